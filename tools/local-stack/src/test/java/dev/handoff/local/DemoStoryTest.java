package dev.handoff.local;

import static dev.handoff.local.LocalHandoffFixtures.SAMPLE_DEAL_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.handoff.crm.CrmProperties;
import dev.handoff.local.engines.RepositoryRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo story, run once on a fresh local stack, takes the sample deal from won to paid to onboarding. */
class DemoStoryTest {

    private static LocalHandoff local;
    private static DemoStory.Summary summary;

    @BeforeAll
    static void runDemoStory() throws Exception {
        local = LocalHandoffFixtures.startLocalHandoff();
        PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        summary = new DemoStory(local, RepositoryRoot.find(), progress).run();
    }

    @AfterAll
    static void stopLocalHandoff() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void summaryCountsOneCleanHandoff() {
        assertThat(summary.deals()).isEqualTo(1);
        assertThat(summary.customersCreated()).isEqualTo(1);
        assertThat(summary.invoicesCreated()).isEqualTo(1);
        assertThat(summary.onboardingTriggers()).isEqualTo(1);
        assertThat(summary.exceptions()).isZero();
        assertThat(summary.dlqMessages()).isZero();
    }

    @Test
    void opsCheckPassesAfterDemo() {
        List<String> violations = dev.handoff.local.ops.LocalOps.of(local, "demo-test").check();

        assertThat(violations).isEmpty();
    }

    @Test
    void summaryReportsStoryCompleted() {
        assertThat(summary.completed()).isTrue();
    }

    @Test
    void sampleDealShowsPaidInvoice() {
        Map<String, String> deal = local.hubspot().dealProperties(SAMPLE_DEAL_ID);

        assertThat(deal.get(CrmProperties.INVOICE_STATUS)).isEqualTo("PAID");
        assertThat(deal.get(CrmProperties.AMOUNT_DUE)).isEqualTo("0.00");
    }

    @Test
    void sampleDealShowsOnboardingSent() {
        Map<String, String> deal = local.hubspot().dealProperties(SAMPLE_DEAL_ID);

        assertThat(deal.get(CrmProperties.HANDOFF_STATUS)).isEqualTo("ONBOARDING_SENT");
    }

    @Test
    void xeroInvoiceIsZarSalesInvoice() {
        ObjectNode invoice = onlyInvoice();

        assertThat(invoice.path("Type").asText()).isEqualTo("ACCREC");
        assertThat(invoice.path("CurrencyCode").asText()).isEqualTo("ZAR");
        assertThat(invoice.path("Reference").asText()).isEqualTo("HS-" + SAMPLE_DEAL_ID);
    }

    @Test
    void xeroInvoiceDateIsJohannesburgCloseDate() {
        // The deal closes at 2026-02-28T22:30:00Z, which is already 1 March in Africa/Johannesburg (UTC+2).
        ObjectNode invoice = onlyInvoice();

        assertThat(invoice.path("DateString").asText()).isEqualTo("2026-03-01T00:00:00");
    }

    @Test
    void xeroInvoiceLinesUseStandardVat() {
        List<String> taxTypes = onlyInvoice().path("LineItems").findValuesAsText("TaxType");

        assertThat(taxTypes).containsExactly("OUTPUT3", "OUTPUT3");
    }

    @Test
    void functionsShareOneTokenRefresh() {
        // Three functions call Xero, each with its own token cache, but the seeded refresh token is spent once.
        assertThat(local.xero().refreshCallCount()).isEqualTo(1);
        assertThat(local.xero().rejectedGrantCount()).isZero();
    }

    private static ObjectNode onlyInvoice() {
        List<ObjectNode> invoices = local.xero().invoices(LocalSettings.TENANT_ID);
        assertThat(invoices).hasSize(1);
        return invoices.get(0);
    }
}
