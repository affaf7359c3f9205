package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.QUIESCENCE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.crm.CrmProperties;
import dev.handoff.domain.HandoffState;
import dev.handoff.ledger.Handoff;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import dev.handoff.simulator.hubspot.WebhookSender;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A won deal whose company has neither a billing e-mail nor a billing address cannot become a Xero customer, so
 * the handoff is BLOCKED and the deal gets a BLOCKED status, a reason and a note. Moving the deal to won again
 * after the fix resumes the handoff.
 */
class BlockedDealTest {

    /** Stays blocked for the whole class. */
    private static final String BLOCKED_DEAL_ID = "48000000201";
    /** Blocked, then fixed and won again, in {@link #fixedCompanyResumesToInvoiced}. */
    private static final String FIXED_DEAL_ID = "48000000202";

    private static final String BLOCKED_COMPANY_NAME = "Swartberg Saddlery (Pty) Ltd";
    private static final String FIXED_COMPANY_NAME = "Knysna Boatworks (Pty) Ltd";

    private static LocalHandoff local;
    private static WebhookSender sender;

    @BeforeAll
    static void blockDeal() {
        local = LocalHandoffFixtures.startLocalHandoff();
        sender = LocalHandoffFixtures.webhookSender();
        seedDealWithIncompleteCompany(local.hubspot(), BLOCKED_DEAL_ID, BLOCKED_COMPANY_NAME);

        HttpResponse<String> response = LocalHandoffFixtures.sendWebhook(local, sender,
                LocalHandoffFixtures.wonEventBody(3000000201L, BLOCKED_DEAL_ID, 0));
        assertThat(response.statusCode()).isEqualTo(200);
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void ledgerBlocksMissingBillingDetails() {
        Handoff handoff = LocalHandoffFixtures.handoff(local, BLOCKED_DEAL_ID);

        assertThat(handoff.state()).isEqualTo(HandoffState.BLOCKED);
        assertThat(handoff.blockedFields()).containsExactlyInAnyOrder("company.billing_email", "company.billing_address");
    }

    @Test
    void dealShowsBlockedStatusAndReason() {
        Map<String, String> deal = local.hubspot().dealProperties(BLOCKED_DEAL_ID);

        assertThat(deal.get(CrmProperties.HANDOFF_STATUS)).isEqualTo("BLOCKED");
        assertThat(deal.get(CrmProperties.BLOCKED_REASON)).isNotBlank();
        assertThat(deal.get(CrmProperties.BLOCKED_REASON)).contains("company.billing_email");
        assertThat(deal.get(CrmProperties.BLOCKED_REASON)).contains("company.billing_address");
    }

    @Test
    void dealGetsOneNote() {
        assertThat(local.hubspot().notesFor(BLOCKED_DEAL_ID)).hasSize(1);
    }

    @Test
    void xeroGetsNoContactForCompany() {
        String companyId = LocalHandoffFixtures.companyIdFor(BLOCKED_DEAL_ID);

        assertThat(LocalHandoffFixtures.contactsForCompany(local, companyId)).isEmpty();
        assertThat(local.xero().contacts(LocalSettings.TENANT_ID))
                .noneMatch(contact -> BLOCKED_COMPANY_NAME.equals(contact.path("Name").asText()));
    }

    @Test
    void xeroGetsNoInvoiceForDeal() {
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, BLOCKED_DEAL_ID)).isEmpty();
    }

    @Test
    void blockedDealLeavesDeadLetterQueuesEmpty() {
        assertThat(local.deadLetterCount()).isZero();
    }

    @Test
    void blockedDealCountsOneException() {
        // The deal of fixedCompanyResumesToInvoiced, whichever order the tests run in, is INVOICED by its end.
        assertThat(local.exceptionCount()).isEqualTo(1);
    }

    @Test
    void fixedCompanyResumesToInvoiced() {
        seedDealWithIncompleteCompany(local.hubspot(), FIXED_DEAL_ID, FIXED_COMPANY_NAME);
        LocalHandoffFixtures.sendWebhook(local, sender, LocalHandoffFixtures.wonEventBody(3000000202L, FIXED_DEAL_ID, 0));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);
        assertThat(LocalHandoffFixtures.handoff(local, FIXED_DEAL_ID).state()).isEqualTo(HandoffState.BLOCKED);

        local.hubspot().putCompany(LocalHandoffFixtures.companyIdFor(FIXED_DEAL_ID), LocalHandoffFixtures.readyCompany(
                FIXED_COMPANY_NAME, "accounts@knysna-boatworks.example.test", "4100000033"));
        HttpResponse<String> wonAgain = LocalHandoffFixtures.sendWebhook(local, sender,
                LocalHandoffFixtures.wonEventBody(3000000203L, FIXED_DEAL_ID, 0));
        local.awaitQuiescence(QUIESCENCE_TIMEOUT);

        Handoff handoff = LocalHandoffFixtures.handoff(local, FIXED_DEAL_ID);
        assertThat(wonAgain.statusCode()).isEqualTo(200);
        assertThat(handoff.state()).isEqualTo(HandoffState.INVOICED);
        assertThat(handoff.blockedFields()).isEmpty();
        assertThat(LocalHandoffFixtures.invoicesForDeal(local, FIXED_DEAL_ID)).hasSize(1);
        assertThat(local.hubspot().dealProperties(FIXED_DEAL_ID).get(CrmProperties.HANDOFF_STATUS)).isEqualTo("INVOICED");
    }

    /** Seeds a won deal whose made-up company has a name and nothing else: no billing e-mail, no address. */
    private static void seedDealWithIncompleteCompany(HubSpotSimulator hubspot, String dealId, String companyName) {
        String companyId = LocalHandoffFixtures.companyIdFor(dealId);
        String lineItemId = LocalHandoffFixtures.lineItemIdFor(dealId);
        hubspot.putCompany(companyId, Map.of("name", companyName, "handoff_legal_name", companyName));
        hubspot.putLineItem(lineItemId, Map.of(
                "name", "Leather care kit",
                "quantity", "3",
                "price", "850.00",
                "handoff_tax_category", "standard"));
        hubspot.putDeal(dealId, LocalHandoffFixtures.wonDealProperties(companyName + " order"), List.of(companyId),
                List.of(), List.of(lineItemId));
    }
}
