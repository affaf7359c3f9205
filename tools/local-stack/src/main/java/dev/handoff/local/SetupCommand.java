package dev.handoff.local;

import dev.handoff.config.WonStages;
import dev.handoff.crm.hubspot.HubSpotAccessTokens;
import dev.handoff.crm.hubspot.HubSpotClient;
import dev.handoff.crm.hubspot.HubSpotPipeline;
import dev.handoff.crm.hubspot.HubSpotPropertySetup;
import dev.handoff.error.HandoffException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./handoff setup hubspot}: creates Handoff's deal property group and deal properties in a HubSpot portal,
 * skipping those that exist, then lists the portal's won stages by internal id for {@code HUBSPOT_WON_STAGES}. The portal and token come from the environment: {@code HUBSPOT_PORTAL_ID},
 * {@code HUBSPOT_ACCESS_TOKEN} (a private app token with the {@code crm.schemas.deals.write} scope) and, for a
 * simulator or a proxy, {@code HUBSPOT_API_BASE_URL}.
 */
public final class SetupCommand {

    static final String USAGE = "usage: handoff setup hubspot [--base-url URL]\n"
            + "  Creates the 'handoff' deal property group and the deal properties Handoff writes; existing ones are kept.\n"
            + "  Reads HUBSPOT_PORTAL_ID and HUBSPOT_ACCESS_TOKEN from the environment. --base-url (or\n"
            + "  HUBSPOT_API_BASE_URL) sets the API root; the default is " + HubSpotClient.DEFAULT_BASE_URL + ".";

    private SetupCommand() {
    }

    /**
     * Lists the stages HubSpot marks as closed with probability 1, as {@code pipelineId:stageId} for
     * {@code HUBSPOT_WON_STAGES}, and names configured won stages that the portal does not have.
     */
    private static void printWonStages(List<HubSpotPipeline> pipelines, String configured, PrintStream results) {
        List<String> candidates = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (HubSpotPipeline pipeline : pipelines) {
            for (HubSpotPipeline.Stage stage : pipeline.stages()) {
                known.add(pipeline.id() + ":" + stage.id());
                if (stage.looksWon()) {
                    candidates.add(pipeline.id() + ":" + stage.id());
                }
            }
        }
        results.println("Won stages by HubSpot's stage settings (closed, probability 1): "
                + (candidates.isEmpty() ? "none" : String.join(",", candidates)));
        if (configured == null || configured.isBlank()) {
            return;
        }
        WonStages.parse(configured).byPipeline().forEach((pipeline, stages) -> stages.stream()
                .map(stage -> pipeline + ":" + stage)
                .filter(pair -> !known.contains(pair))
                .sorted()
                .forEach(pair -> results.println("HUBSPOT_WON_STAGES names " + pair
                        + ", which is not a stage of this portal's deal pipelines; check the ids.")));
    }

    /** Runs the command and returns its exit code: 0 done, 1 HubSpot failed, 2 invalid arguments or settings. */
    public static int run(List<String> arguments, Map<String, String> environment, PrintStream results, PrintStream errors) {
        if (arguments.isEmpty() || !arguments.get(0).equals("hubspot")) {
            errors.println(USAGE);
            return 2;
        }
        URI baseUrl = URI.create(environment.getOrDefault("HUBSPOT_API_BASE_URL", HubSpotClient.DEFAULT_BASE_URL.toString()));
        if (arguments.size() == 3 && arguments.get(1).equals("--base-url")) {
            baseUrl = URI.create(arguments.get(2));
        } else if (arguments.size() != 1) {
            errors.println(USAGE);
            return 2;
        }
        String portalId = environment.get("HUBSPOT_PORTAL_ID");
        String token = environment.get("HUBSPOT_ACCESS_TOKEN");
        if (portalId == null || portalId.isBlank() || token == null || token.isBlank()) {
            errors.println("handoff setup hubspot: set HUBSPOT_PORTAL_ID and HUBSPOT_ACCESS_TOKEN in the environment");
            return 2;
        }

        HubSpotClient client = HubSpotClient.builder(HubSpotAccessTokens.privateApp(token), portalId.trim())
                .baseUrl(baseUrl)
                .httpClient(HttpClient.newBuilder().connectTimeout(HubSpotClient.DEFAULT_CONNECT_TIMEOUT).build())
                .clock(Clock.systemUTC())
                .build();
        try {
            List<HubSpotPropertySetup.Step> steps = new HubSpotPropertySetup(client).run();
            for (HubSpotPropertySetup.Step step : steps) {
                results.println(step.kind() + " " + step.name() + ": "
                        + (step.outcome() == HubSpotPropertySetup.Outcome.CREATED ? "created" : "exists"));
            }
            long created = steps.stream().filter(step -> step.outcome() == HubSpotPropertySetup.Outcome.CREATED).count();
            results.println("HubSpot portal " + portalId.trim() + ": " + created + " created, "
                    + (steps.size() - created) + " already there.");
            printWonStages(client.readDealPipelines(), environment.get("HUBSPOT_WON_STAGES"), results);
            return 0;
        } catch (HandoffException e) {
            errors.println("handoff setup hubspot failed: " + e.getMessage());
            return 1;
        }
    }
}
