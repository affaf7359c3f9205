package dev.handoff.crm.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.handoff.error.ConfigurationException;
import dev.handoff.error.RetryableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs {@link HubSpotPropertySetup} against WireMock stubs of the CRM properties API's documented responses. */
class HubSpotPropertySetupContractTest {

    private static final String NOT_FOUND = "{\"status\":\"error\",\"message\":\"Unable to find property\","
            + "\"correlationId\":\"00000000-0000-4000-8000-000000000404\",\"category\":\"OBJECT_NOT_FOUND\"}";
    private static final String CONFLICT = "{\"status\":\"error\",\"message\":\"Property already exists\","
            + "\"correlationId\":\"00000000-0000-4000-8000-000000000409\",\"category\":\"OBJECT_ALREADY_EXISTS\"}";

    private WireMockServer wireMock;
    private HubSpotPropertySetup setup;

    @BeforeEach
    void start() {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
        setup = new HubSpotPropertySetup(HubSpotClient.builder(() -> "test-only-hubspot-access-token", "9999999")
                .baseUrl(URI.create(wireMock.baseUrl()))
                .build());
    }

    @AfterEach
    void stop() {
        wireMock.stop();
    }

    @Test
    void missingGroupAndPropertiesAreCreated() {
        wireMock.stubFor(get(urlMatching("/crm/v3/properties/deals/.*")).willReturn(json(404, NOT_FOUND)));
        wireMock.stubFor(post(urlEqualTo("/crm/v3/properties/deals/groups")).willReturn(json(201,
                "{\"name\":\"handoff\",\"label\":\"Handoff\",\"displayOrder\":-1,\"archived\":false}")));
        wireMock.stubFor(post(urlEqualTo("/crm/v3/properties/deals")).willReturn(json(201, fixture("property-created.json"))));

        List<HubSpotPropertySetup.Step> steps = setup.run();

        assertThat(steps).hasSize(1 + HubSpotPropertySetup.DEAL_PROPERTIES.size());
        assertThat(steps).allMatch(step -> step.outcome() == HubSpotPropertySetup.Outcome.CREATED);
        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/properties/deals/groups"))
                .withRequestBody(equalToJson("{\"name\":\"handoff\",\"label\":\"Handoff\",\"displayOrder\":-1}")));
        wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/properties/deals"))
                .withRequestBody(equalToJson("{\"name\":\"acct_amount_due\",\"label\":\"Amount due\","
                        + "\"description\":\"Amount of the invoice still due.\",\"groupName\":\"handoff\","
                        + "\"type\":\"number\",\"fieldType\":\"number\"}")));
    }

    @Test
    void existingPropertyIsLeftAlone() {
        wireMock.stubFor(get(urlMatching("/crm/v3/properties/deals/.*")).willReturn(json(200, fixture("property-created.json"))));

        List<HubSpotPropertySetup.Step> steps = setup.run();

        assertThat(steps).allMatch(step -> step.outcome() == HubSpotPropertySetup.Outcome.EXISTED);
        assertThat(wireMock.findAll(postRequestedFor(urlMatching(".*")))).isEmpty();
    }

    @Test
    void conflictOnCreateCountsAsExisting() {
        wireMock.stubFor(get(urlMatching("/crm/v3/properties/deals/.*")).willReturn(json(404, NOT_FOUND)));
        wireMock.stubFor(post(urlMatching("/crm/v3/properties/deals.*")).willReturn(json(409, CONFLICT)));

        List<HubSpotPropertySetup.Step> steps = setup.run();

        assertThat(steps).allMatch(step -> step.outcome() == HubSpotPropertySetup.Outcome.EXISTED);
    }

    @Test
    void missingScopeIsConfigurationError() {
        wireMock.stubFor(get(urlMatching("/crm/v3/properties/deals/.*")).willReturn(json(403,
                "{\"status\":\"error\",\"message\":\"This app hasn't been granted all required scopes\","
                        + "\"category\":\"MISSING_SCOPES\"}")));

        assertThatThrownBy(() -> setup.run())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("HubSpot read deal property group handoff failed with HTTP 403");
    }

    @Test
    void serverErrorIsRetryable() {
        wireMock.stubFor(get(urlMatching("/crm/v3/properties/deals/.*")).willReturn(json(500, "{\"status\":\"error\"}")));

        assertThatThrownBy(() -> setup.run()).isInstanceOf(RetryableException.class);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8").withBody(body);
    }

    private static String fixture(String name) {
        return new String(HubSpotSignatureVerifierTest.resource("hubspot/" + name), StandardCharsets.UTF_8);
    }
}
