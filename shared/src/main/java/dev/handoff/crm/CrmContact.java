package dev.handoff.crm;

/** A contact person on the deal. {@link #toString()} shows only the id. */
public record CrmContact(String id, String firstName, String lastName, String email) {

    @Override
    public String toString() {
        return "CrmContact[id=" + id + "]";
    }
}
