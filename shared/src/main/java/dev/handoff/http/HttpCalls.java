package dev.handoff.http;

import dev.handoff.error.RetryableException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends a request and turns transport failures into {@link RetryableException}s that name the API and operation. */
public final class HttpCalls {

    private HttpCalls() {
    }

    /**
     * Sends {@code request} and returns the response with a UTF-8 body, whatever its status.
     *
     * @throws RetryableException on a timeout, a connection failure or an interrupt
     */
    public static HttpResponse<String> send(HttpClient http, HttpRequest request, String api, String operation) {
        return send(http, request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), api, operation);
    }

    /**
     * Sends {@code request} and returns the response with the body that {@code bodyHandler} reads, whatever its status.
     *
     * @throws RetryableException on a timeout, a connection failure or an interrupt
     */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> bodyHandler,
            String api, String operation) {
        try {
            return http.send(request, bodyHandler);
        } catch (HttpTimeoutException e) {
            throw new RetryableException(api + " " + operation + " timed out", e);
        } catch (IOException e) {
            throw new RetryableException(api + " " + operation + " failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException(api + " " + operation + " was interrupted", e);
        }
    }
}
