package dev.handoff.accounting.xero;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the date forms Xero's Accounting API returns in JSON: the Microsoft JSON form
 * {@code /Date(1772323200000+0000)/}, whose number is milliseconds since the epoch in UTC and whose offset only
 * names the zone it was displayed in, and ISO-8601 date-times with or without an offset ({@code UpdatedDateUTC}
 * without an offset is UTC).
 */
public final class XeroDates {

    private static final Pattern MICROSOFT_JSON_DATE = Pattern.compile("^/Date\\((-?\\d+)([+-]\\d{4})?\\)/$");

    private XeroDates() {
    }

    /** Returns the instant for a Xero date value, or {@code null} for {@code null} or blank input. */
    public static Instant parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }

        Matcher matcher = MICROSOFT_JSON_DATE.matcher(value.trim());
        if (matcher.matches()) {
            return Instant.ofEpochMilli(Long.parseLong(matcher.group(1)));
        }

        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException withOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException withoutOffset) {
                throw new IllegalArgumentException("Invalid Xero date '" + value
                        + "': expected /Date(millis+0000)/ or an ISO-8601 date-time", withoutOffset);
            }
        }
    }
}
