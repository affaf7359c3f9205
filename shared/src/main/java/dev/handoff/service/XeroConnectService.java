package dev.handoff.service;

import dev.handoff.accounting.xero.auth.RefreshTokenRejectedException;
import dev.handoff.accounting.xero.auth.XeroConnectFlow;
import dev.handoff.accounting.xero.auth.XeroConnectStates;
import dev.handoff.accounting.xero.auth.XeroTokenStore;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.RetryableException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed connect route: {@code GET /connect/xero} sends the user to Xero's consent page, and
 * {@code GET /connect/xero/callback} exchanges the code for the configured tenant and stores the tokens. A
 * callback is accepted only with a state this deployment issued, and malformed input gets a 400, never a 5xx.
 */
public final class XeroConnectService {

    private static final Logger LOG = LoggerFactory.getLogger(XeroConnectService.class);
    private static final Pattern OAUTH_ERROR = Pattern.compile("^[a-z_]{1,64}$");

    private final Supplier<XeroConnectFlow> flow;
    private final XeroConnectStates states;
    private final XeroTokenStore store;
    private final String tenantId;
    private final Clock clock;

    public XeroConnectService(Supplier<XeroConnectFlow> flow, XeroConnectStates states, XeroTokenStore store,
            String tenantId, Clock clock) {
        this.flow = flow;
        this.states = states;
        this.store = store;
        this.tenantId = tenantId;
        this.clock = clock;
    }

    /** HTTP response of the route; {@code location} is set for a redirect. */
    public record Response(int statusCode, Optional<URI> location, String message) {

        static Response redirect(URI location) {
            return new Response(302, Optional.of(location), "");
        }

        static Response text(int statusCode, String message) {
            return new Response(statusCode, Optional.empty(), message);
        }
    }

    /** Issues a state and redirects to Xero's consent page, which returns to {@code callbackUrl}. */
    public Response start(URI callbackUrl) {
        String state = states.issue(Instant.now(clock));
        return Response.redirect(flow.get().authorizationUrl(callbackUrl, state));
    }

    /** Completes the flow from the query parameters Xero sent to {@code callbackUrl}. */
    public Response callback(URI callbackUrl, Map<String, String> query) {
        String error = query.get("error");
        if (error != null) {
            String shown = OAUTH_ERROR.matcher(error).matches() ? error : "invalid error value";
            return Response.text(400, "Xero did not authorise the connection (" + shown + "). Start again at /connect/xero.");
        }
        String code = query.get("code");
        String state = query.get("state");
        if (code == null || code.isBlank() || state == null || state.isBlank()) {
            return Response.text(400, "The callback is missing code or state. Start again at /connect/xero.");
        }
        if (!states.consume(state, Instant.now(clock))) {
            return Response.text(400, "The state is unknown, expired or used already. Start again at /connect/xero.");
        }

        try {
            XeroConnectFlow.Connected connected = flow.get().exchange(code, callbackUrl, Optional.of(tenantId));
            XeroConnectFlow.store(store, connected, Instant.now(clock));
        } catch (RefreshTokenRejectedException e) {
            return Response.text(400, "Xero rejected the authorisation code as invalid, expired or used. Start again at /connect/xero.");
        } catch (ConfigurationException e) {
            LOG.warn("Xero connect for tenant {} failed: {}", tenantId, e.getMessage());
            return Response.text(400, e.getMessage());
        } catch (RetryableException e) {
            LOG.warn("Xero connect for tenant {} failed: {}", tenantId, e.getMessage());
            return Response.text(502, "Xero did not respond in time. Start again at /connect/xero.");
        }
        LOG.info("Xero tenant {} connected; tokens stored", tenantId);
        return Response.text(200, "Xero organisation " + tenantId + " is connected. You can close this page.");
    }
}
