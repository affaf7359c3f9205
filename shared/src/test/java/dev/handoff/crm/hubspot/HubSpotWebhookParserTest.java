package dev.handoff.crm.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HubSpotWebhookParserTest {

    private static final String EVENT = "{\"eventId\":3000000001,\"portalId\":9999999,\"occurredAt\":1759999999000,"
            + "\"subscriptionType\":\"deal.propertyChange\",\"objectId\":48000000001}";

    private final HubSpotWebhookParser parser = new HubSpotWebhookParser();

    @Test
    void parseDealStageChange() {
        List<HubSpotWebhookEvent> events = parser.parse(
                HubSpotSignatureVerifierTest.resource("hubspot/webhook-deal-closedwon.json"));

        assertThat(events).hasSize(1);
        HubSpotWebhookEvent event = events.get(0);
        assertThat(event.eventId()).isEqualTo(3_000_000_001L);
        assertThat(event.subscriptionId()).isEqualTo(123_456L);
        assertThat(event.portalId()).isEqualTo(9_999_999L);
        assertThat(event.appId()).isEqualTo(111_111L);
        assertThat(event.occurredAt()).isEqualTo(1_759_999_999_000L);
        assertThat(event.subscriptionType()).isEqualTo("deal.propertyChange");
        assertThat(event.attemptNumber()).isZero();
        assertThat(event.objectId()).isEqualTo(48_000_000_001L);
        assertThat(event.propertyName()).isEqualTo("dealstage");
        assertThat(event.propertyValue()).isEqualTo("closedwon");
        assertThat(event.changeSource()).isEqualTo("CRM_UI");
        assertThat(event.sourceId()).isEqualTo("userId:1234");
        assertThat(event.deliveryKey()).isEqualTo("9999999:3000000001");
    }

    @Test
    void parseIgnoresUnknownFieldsAndKeepsOrder() {
        String second = EVENT.replace("3000000001", "3000000002").replace("}", ",\"changeFlag\":\"NEW\"}");

        List<HubSpotWebhookEvent> events = parser.parse(bytes("[" + EVENT + "," + second + "]"));

        assertThat(events).extracting(HubSpotWebhookEvent::eventId).containsExactly(3_000_000_001L, 3_000_000_002L);
        assertThat(events.get(1).propertyName()).isNull();
        assertThat(events.get(1).attemptNumber()).isNull();
    }

    @Test
    void parseAssociationChangeUsesFromObjectId() {
        String body = "[{\"eventId\":3000000011,\"subscriptionId\":123457,\"portalId\":9999999,\"appId\":111111,"
                + "\"occurredAt\":1759999999000,\"subscriptionType\":\"deal.associationChange\",\"attemptNumber\":0,"
                + "\"changeSource\":\"CRM_UI\",\"associationType\":\"DEAL_TO_LINE_ITEM\",\"fromObjectId\":48000000001,"
                + "\"toObjectId\":9003,\"associationRemoved\":true,\"isPrimaryAssociation\":false}]";

        HubSpotWebhookEvent event = parser.parse(bytes(body)).get(0);

        assertThat(event.objectId()).isEqualTo(48_000_000_001L);
        assertThat(event.associationType()).isEqualTo("DEAL_TO_LINE_ITEM");
        assertThat(event.toObjectId()).isEqualTo(9003L);
        assertThat(event.associationRemoved()).isTrue();
    }

    @Test
    void parseAssociationWithoutFromObjectId() {
        String body = "[{\"eventId\":3000000012,\"portalId\":9999999,\"occurredAt\":1759999999000,"
                + "\"subscriptionType\":\"deal.associationChange\",\"associationType\":\"DEAL_TO_LINE_ITEM\"}]";

        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("event 1 has no fromObjectId");
    }

    @Test
    void parseMergeKeepsPrimaryMergedAndNewIds() {
        String body = "[{\"eventId\":3000000013,\"portalId\":9999999,\"occurredAt\":1759999999000,"
                + "\"subscriptionType\":\"deal.merge\",\"objectId\":48000000009,\"changeFlag\":\"MERGED\","
                + "\"primaryObjectId\":48000000001,\"mergedObjectIds\":[48000000002,48000000003],"
                + "\"newObjectId\":48000000009,\"numberOfPropertiesMoved\":4}]";

        HubSpotWebhookEvent event = parser.parse(bytes(body)).get(0);

        assertThat(event.primaryObjectId()).isEqualTo(48_000_000_001L);
        assertThat(event.mergedObjectIds()).containsExactly(48_000_000_002L, 48_000_000_003L);
        assertThat(event.newObjectId()).isEqualTo(48_000_000_009L);
        assertThat(event.survivingObjectId()).isEqualTo(48_000_000_009L);
    }

    @Test
    void parseMergeWithTextIdsIsMalformed() {
        String body = "[" + EVENT.replace("}", ",\"mergedObjectIds\":[\"48000000002\"]}") + "]";

        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("event 1 field mergedObjectIds is not an array of 64-bit integers");
    }

    @Test
    void toStringLeavesOutPropertyValueAndSource() {
        String body = "[" + EVENT.replace("}", ",\"propertyName\":\"email\","
                + "\"propertyValue\":\"thandi@example-trading.test\",\"sourceId\":\"thandi@example-trading.test\"}") + "]";

        HubSpotWebhookEvent event = parser.parse(bytes(body)).get(0);

        assertThat(event.toString()).doesNotContain("thandi").contains("3000000001");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "object body|{\"eventId\":1}|body is not a JSON array",
        "empty body||body is not a JSON array",
        "empty array|[]|body is an empty JSON array",
        "string element|[\"x\"]|event 1 is not a JSON object",
        "invalid JSON|[{\"eventId\":|body is not valid JSON",
        "trailing content|[]  []|body is not valid JSON",
    })
    void parseRejectsMalformedBody(String label, String body, String message) {
        assertThatThrownBy(() -> parser.parse(bytes(body == null ? "" : body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "eventId|event 2 has no eventId",
        "portalId|event 2 has no portalId",
        "objectId|event 2 has no objectId",
        "occurredAt|event 2 has no occurredAt",
        "subscriptionType|event 2 has no subscriptionType",
    })
    void parseRejectsMissingRequiredField(String field, String message) {
        String second = EVENT.replaceFirst("\"" + field + "\":[^,}]+,?", "").replace(",}", "}");

        assertThatThrownBy(() -> parser.parse(bytes("[" + EVENT + "," + second + "]")))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((MalformedWebhookException) e).fields()).containsExactly(field));
    }

    @Test
    void parseRejectsNullEventId() {
        assertThatThrownBy(() -> parser.parse(bytes("[" + EVENT.replace("3000000001", "null") + "]")))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("event 1 has no eventId");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"3000000001\"", "3000000001.5", "99999999999999999999", "true"})
    void parseRejectsNonIntegerEventId(String value) {
        assertThatThrownBy(() -> parser.parse(bytes("[" + EVENT.replace("3000000001", value) + "]")))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("event 1 field eventId is not a 64-bit integer");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "objectId|-1", "objectId|0", "portalId|-1", "portalId|0", "eventId|0",
        "subscriptionId|-5", "appId|0", "toObjectId|-9003", "primaryObjectId|0", "newObjectId|-1",
    })
    void parseRejectsIdThatIsNotPositive(String field, String value) {
        String event = EVENT.contains("\"" + field + "\"")
                ? EVENT.replaceFirst("\"" + field + "\":[^,}]+", "\"" + field + "\":" + value)
                : EVENT.replace("}", ",\"" + field + "\":" + value + "}");

        assertThatThrownBy(() -> parser.parse(bytes("[" + event + "]")))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("event 1 field " + field + " is " + value + ", not a HubSpot id: ids are positive decimal numbers")
                .satisfies(e -> assertThat(((MalformedWebhookException) e).fields()).containsExactly(field));
    }

    @Test
    void parseRejectsMergedIdThatIsNotPositive() {
        String body = "[" + EVENT.replace("}", ",\"mergedObjectIds\":[48000000002,-3]}") + "]";

        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("event 1 field mergedObjectIds is -3, not a HubSpot id: ids are positive decimal numbers");
    }

    @Test
    void parseRejectsAssociationFromObjectIdZero() {
        String body = "[{\"eventId\":3000000011,\"portalId\":9999999,\"occurredAt\":1759999999000,"
                + "\"subscriptionType\":\"deal.associationChange\",\"fromObjectId\":0,\"toObjectId\":9003}]";

        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageStartingWith("event 1 field fromObjectId is 0,");
    }

    @Test
    void parseRejectsObjectAsPropertyValue() {
        String body = "[" + EVENT.replace("}", ",\"propertyValue\":{\"a\":1}}") + "]";

        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("event 1 field propertyValue is not a string");
    }

    @Test
    void parseRejectsDuplicateField() {
        String body = "[" + EVENT.replace("}", ",\"eventId\":3000000009}") + "]";

        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageStartingWith("body is not valid JSON");
    }

    @Test
    void parseAcceptsMaxEvents() {
        String body = "[" + String.join(",", java.util.Collections.nCopies(HubSpotWebhookParser.MAX_EVENTS, EVENT)) + "]";

        assertThat(parser.parse(bytes(body))).hasSize(100);
    }

    @Test
    void parseRejectsMoreThanMaxEvents() {
        String body = "[" + String.join(",", java.util.Collections.nCopies(101, EVENT)) + "]";

        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessage("body has 101 events, more than 100 allowed");
    }

    @Test
    void parseRejectsBodyOverOneMebibyte() {
        byte[] body = new byte[HubSpotWebhookParser.MAX_BODY_BYTES + 1];

        assertThatThrownBy(() -> parser.parse(body))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("more than the 1048576 allowed");
    }

    @Test
    void invalidJsonMessageLeavesOutBodyContent() {
        assertThatThrownBy(() -> parser.parse(bytes("[{\"propertyValue\":\"thandi@example-trading.test\" x}]")))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageNotContaining("thandi")
                .hasNoCause();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
