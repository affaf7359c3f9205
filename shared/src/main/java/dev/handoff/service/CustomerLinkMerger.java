package dev.handoff.service;

import dev.handoff.crm.hubspot.HubSpotWebhookEvent;
import dev.handoff.ledger.Ledger;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-points the ledger's links from HubSpot companies to accounting contacts after a company merge, so the
 * surviving company finds the accounting contact of the companies merged into it and no second contact is
 * created. Only ledger items are written, so the webhook intake can do this before it responds.
 */
final class CustomerLinkMerger {

    private static final Logger LOG = LoggerFactory.getLogger(CustomerLinkMerger.class);
    private static final String CRM = "hubspot";

    private final Ledger ledger;
    private final String tenantId;
    private final String portalId;

    CustomerLinkMerger(Ledger ledger, String tenantId, String portalId) {
        this.ledger = ledger;
        this.tenantId = tenantId;
        this.portalId = portalId;
    }

    /**
     * Links the surviving company of a {@code company.merge} event to the accounting contact of a merged company.
     * When the survivor already has a link it is kept, and a merged company linked to another contact is logged
     * for finance, who must merge the two contacts in the accounting system.
     */
    void repointAfterCompanyMerge(HubSpotWebhookEvent merge, Instant now) {
        String survivor = Long.toString(merge.survivingObjectId());
        Set<Long> merged = new LinkedHashSet<>(merge.mergedObjectIds());
        if (merge.primaryObjectId() != null) {
            merged.add(merge.primaryObjectId());
        }
        merged.remove(merge.survivingObjectId());

        Optional<String> survivorContact = ledger.findCustomerLink(CRM, portalId, survivor, tenantId);
        for (Long mergedId : merged) {
            Optional<String> contact = ledger.findCustomerLink(CRM, portalId, Long.toString(mergedId), tenantId);
            if (contact.isEmpty() || contact.equals(survivorContact)) {
                continue;
            }
            if (survivorContact.isEmpty()) {
                ledger.putCustomerLink(CRM, portalId, survivor, tenantId, contact.get(), now);
                survivorContact = contact;
                LOG.info("Company {} merged into {}: customer link to contact {} moved to the surviving company",
                        mergedId, survivor, contact.get());
            } else {
                LOG.warn("Company {} merged into {}, but they link to different accounting contacts {} and {}; "
                        + "the survivor keeps its link, and finance should merge the contacts", mergedId, survivor,
                        contact.get(), survivorContact.get());
            }
        }
    }
}
