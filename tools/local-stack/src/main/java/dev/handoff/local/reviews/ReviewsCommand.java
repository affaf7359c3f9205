package dev.handoff.local.reviews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.handoff.local.CliOptions;
import dev.handoff.local.SystemUser;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.ops.LocalStackState;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * {@code ./handoff reviews list|show|approve|reject}: lists and decides review items through the ops routes.
 *
 * <p>The API is {@code --api URL}, else the {@code HANDOFF_API_URL} environment variable, else the local stack
 * of a running {@code ./handoff serve}, as its {@code local-stack.json} names it, else http://127.0.0.1:3000. A local URL is called unsigned, and the decision records
 * {@code local:<reviewer>} ({@code --reviewer}, default the operating system user). Any other URL is a deployed
 * stack's {@code OpsApiUrl} output: requests are signed with AWS Signature Version 4 using the default AWS
 * credential chain, and the stack records the caller's IAM ARN as the reviewer.
 */
public final class ReviewsCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = "usage: ./handoff reviews list [--status PENDING|APPROVED|REJECTED] [--type TYPE]"
            + " [--older-than-hours N] | show ID | approve ID --reason TEXT | reject ID --reason TEXT;"
            + " options: [--api URL] [--region REGION] [--reviewer NAME] [--json]";

    /** Source of the local stack's API base URL, which may fail to read the running stack's state file. */
    @FunctionalInterface
    public interface LocalApiUrl {
        URI find() throws IOException;
    }

    private final Map<String, String> environment;
    private final LocalApiUrl localApiUrl;
    private final PrintStream out;
    private final PrintStream err;

    /** Creates the command; without {@code --api} it calls the running {@code ./handoff serve} of this repository. */
    public ReviewsCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this(environment, () -> LocalStackState.runningApiUrl(RepositoryRoot.find()), out, err);
    }

    /** Creates the command with {@code localApiUrl} as the API used when neither --api nor HANDOFF_API_URL is set. */
    public ReviewsCommand(Map<String, String> environment, LocalApiUrl localApiUrl, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.localApiUrl = localApiUrl;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs one subcommand and returns the exit code. It is 0 when done, and 1 when the request was valid but found
     * nothing or failed (404, 409, a 503 after the retries). It is 2 for a usage error, such as an argument the
     * API rejects with 400.
     */
    public int run(List<String> arguments) throws Exception {
        List<String> args = new ArrayList<>(arguments);
        if (args.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        String action = args.remove(0);
        boolean json = args.remove("--json");
        Optional<String> api = CliOptions.take(args, "--api");
        Optional<String> region = CliOptions.take(args, "--region");
        Optional<String> reviewer = CliOptions.take(args, "--reviewer");
        Optional<String> reason = CliOptions.take(args, "--reason");
        Optional<String> status = CliOptions.take(args, "--status");
        Optional<String> type = CliOptions.take(args, "--type");
        Optional<String> olderThan = CliOptions.take(args, "--older-than-hours");
        if (args.stream().anyMatch(arg -> arg.startsWith("--"))) {
            err.println("handoff reviews: unknown option " + args.stream().filter(arg -> arg.startsWith("--")).findFirst().get()
                    + "; " + USAGE);
            return 2;
        }

        Optional<String> configuredApi = api.or(() -> Optional.ofNullable(environment.get("HANDOFF_API_URL"))
                .filter(url -> !url.isBlank()));
        URI apiUrl;
        if (configuredApi.isPresent()) {
            apiUrl = URI.create(configuredApi.get());
        } else {
            try {
                apiUrl = localApiUrl.find();
            } catch (IOException e) {
                err.println("handoff reviews: " + e.getMessage());
                return 1;
            }
        }
        ReviewsApi client = new ReviewsApi(apiUrl, isLocal(apiUrl) ? Optional.empty()
                : Optional.of(new SigV4Signer(DefaultCredentialsProvider.builder().build(),
                        region.orElseGet(() -> SigV4Signer.regionOf(apiUrl)))));
        String name = reviewer.or(SystemUser::name).orElse("unknown");

        ReviewsApi.Reply reply;
        switch (action) {
            case "list" -> {
                Long hours = olderThan.map(ReviewsCommand::hours).orElse(null);
                reply = client.list(status.orElse("PENDING"), type.orElse(null), hours);
            }
            case "show" -> reply = client.show(single(args, "show"));
            case "approve", "reject" -> {
                if (reason.isEmpty() || reason.get().isBlank()) {
                    err.println("handoff reviews " + action + ": --reason is required; say why, it goes to the ledger and the CRM deal");
                    return 2;
                }
                String id = single(args, action);
                reply = action.equals("approve") ? client.approve(id, reason.get(), name) : client.reject(id, reason.get(), name);
            }
            default -> {
                err.println("handoff reviews: unknown subcommand " + action + "; " + USAGE);
                return 2;
            }
        }

        if (!reply.ok()) {
            boolean retried = reply.status() == 503 && reply.attempts() > 1;
            err.println("handoff reviews " + action + ": " + reply.message()
                    + (retried ? " (still unavailable after " + reply.attempts() + " attempts)" : ""));
            // The API returns 400 for an argument it cannot accept, such as a malformed review id, so it is a usage error.
            return reply.status() == 400 ? 2 : 1;
        }
        if (json) {
            out.println(JSON.writeValueAsString(reply.body()));
        } else if (action.equals("list")) {
            printList(reply.body().path("reviews"));
        } else {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(reply.body().path("review")));
        }
        return 0;
    }

    private void printList(JsonNode reviews) {
        if (reviews.isEmpty()) {
            out.println("No reviews.");
            return;
        }
        out.printf("%-40s %-18s %-9s %6s  %s%n", "ID", "TYPE", "STATUS", "AGE_H", "REASON");
        for (JsonNode review : reviews) {
            out.printf("%-40s %-18s %-9s %6d  %s%n", review.path("id").asText(), review.path("type").asText(),
                    review.path("status").asText(), review.path("ageHours").asLong(), review.path("reason").asText());
        }
    }

    private static boolean isLocal(URI url) {
        return "127.0.0.1".equals(url.getHost()) || "localhost".equals(url.getHost());
    }

    private static long hours(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--older-than-hours '" + value + "' is invalid; use a whole number of hours such as 24");
        }
    }

    private static String single(List<String> args, String action) {
        if (args.size() != 1) {
            throw new IllegalArgumentException(action + " takes one review id, as ./handoff reviews list prints it");
        }
        return args.get(0);
    }
}
