package dev.handoff.domain;

/** A postal or billing address. {@link #toString()} leaves the content out because addresses are personal data. */
public record Address(String line1, String line2, String city, String region, String postalCode, String country) {

    public boolean isComplete() {
        return notBlank(line1) && notBlank(city) && notBlank(postalCode) && notBlank(country);
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "Address[redacted]";
    }
}
