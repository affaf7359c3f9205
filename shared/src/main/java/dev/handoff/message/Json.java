package dev.handoff.message;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper for queue messages: strict on known fields being present, lenient on unknown ones. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads a queue message body.
     *
     * @throws MalformedMessageException if the body is not valid JSON for the type; the message names the type only
     */
    public static <T> T read(String body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new MalformedMessageException(type.getSimpleName() + " body is empty", null);
            }
            return value;
        } catch (IOException e) {
            // A record constructor that rejected a field explains the problem better than Jackson's wrapper.
            if (e.getCause() instanceof MalformedMessageException rejected) {
                throw rejected;
            }
            throw new MalformedMessageException("Message body is not a valid " + type.getSimpleName(), e);
        }
    }
}
