package dev.handoff.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.crm.CrmDeal;
import dev.handoff.crm.DealMergedException;
import dev.handoff.crm.hubspot.HubSpotClient;
import dev.handoff.crm.hubspot.HubSpotPipeline;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.NotFoundException;
import dev.handoff.error.ThrottledException;
import dev.handoff.simulator.hubspot.HubSpotSimulator;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link HubSpotClient} against the HubSpot simulator, so the simulator keeps serving the requests the
 * WireMock contract tests describe: reads, deleted deals, 401, 429, notes and pipelines.
 */
class HubSpotClientSimulatorTest {

    private static final String DEAL_ID = "48000000501";

    private HubSpotSimulator hubspot;
    private HubSpotClient client;

    @BeforeEach
    void start() {
        hubspot = HubSpotSimulator.start(0, LocalSettings.HUBSPOT_ACCESS_TOKEN);
        LocalHandoffFixtures.seedReadyDeal(hubspot, DEAL_ID, "Highveld Printers (Pty) Ltd",
                "accounts@highveld-printers.example.test", "4100000501");
        client = HubSpotClient.builder(() -> LocalSettings.HUBSPOT_ACCESS_TOKEN, LocalSettings.PORTAL_ID)
                .baseUrl(hubspot.baseUrl())
                .build();
    }

    @AfterEach
    void stop() {
        hubspot.close();
    }

    @Test
    void readDealReturnsAssociatedRecords() {
        CrmDeal deal = client.readDeal(DEAL_ID);

        assertThat(deal.stage()).isEqualTo("closedwon");
        assertThat(deal.companies()).hasSize(1);
        assertThat(deal.lineItems()).hasSize(1);
    }

    @Test
    void deletedDealIsNotFound() {
        hubspot.deleteDeal(DEAL_ID);

        assertThatThrownBy(() -> client.readDeal(DEAL_ID)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.updateDeal(DEAL_ID, Map.of("handoff_status", "INVOICED")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void mergedDealReadsAsMerged() {
        LocalHandoffFixtures.seedReadyDeal(hubspot, "48000000599", "Highveld Printers (Pty) Ltd",
                "accounts@highveld-printers.example.test", "4100000501");
        hubspot.mergeDeal(DEAL_ID, "48000000599");

        assertThatThrownBy(() -> client.readDeal(DEAL_ID))
                .isInstanceOfSatisfying(DealMergedException.class,
                        merged -> assertThat(merged.survivingDealId()).isEqualTo("48000000599"));
        assertThat(client.readDeal("48000000599").id()).isEqualTo("48000000599");
    }

    @Test
    void wrongTokenIsConfigurationError() {
        HubSpotClient wrongToken = HubSpotClient.builder(() -> "test-only-wrong-token", LocalSettings.PORTAL_ID)
                .baseUrl(hubspot.baseUrl())
                .build();

        assertThatThrownBy(() -> wrongToken.readDeal(DEAL_ID)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void rateLimitedRequestIsThrottled() {
        hubspot.rateLimitNext(1, 4);

        assertThatThrownBy(() -> client.readDeal(DEAL_ID))
                .isInstanceOf(ThrottledException.class)
                .satisfies(e -> assertThat(((ThrottledException) e).delay()).isEqualTo(Duration.ofSeconds(4)));
    }

    @Test
    void sameNoteTwiceIsAddedOnce() {
        client.addDealNote(DEAL_ID, "Handoff to accounting is on hold. Add a billing e-mail.");
        client.addDealNote(DEAL_ID, "Handoff to accounting is on hold. Add a billing e-mail.");
        client.addDealNote(DEAL_ID, "Handoff to accounting is on hold. Add a billing address.");

        assertThat(hubspot.notesFor(DEAL_ID)).hasSize(2);
    }

    @Test
    void pipelinesIncludeClosedWon() {
        List<HubSpotPipeline> pipelines = client.readDealPipelines();

        assertThat(pipelines).extracting(HubSpotPipeline::id).containsExactly("default");
        assertThat(pipelines.get(0).stages()).filteredOn(HubSpotPipeline.Stage::looksWon)
                .extracting(HubSpotPipeline.Stage::id).containsExactly("closedwon");
    }

    @Test
    void productPricesComeFromCatalogue() {
        hubspot.putProduct("1201", Map.of("name", "Support retainer", "price", "2500.00"));

        assertThat(client.readProductPrices(List.of("1201"))).containsOnly(Map.entry("1201", new BigDecimal("2500.00")));
    }
}
