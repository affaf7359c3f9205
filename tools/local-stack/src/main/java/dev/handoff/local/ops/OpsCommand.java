package dev.handoff.local.ops;

import dev.handoff.domain.HandoffKey;
import dev.handoff.ledger.Handoff;
import dev.handoff.ledger.MessageFailure;
import dev.handoff.ledger.OpsAction;
import dev.handoff.ledger.TenantPark;
import dev.handoff.ledger.TimelineEvent;
import dev.handoff.local.CliOptions;
import dev.handoff.local.LocalSettings;
import dev.handoff.local.SystemUser;
import dev.handoff.local.engines.AwsClients;
import dev.handoff.local.engines.RepositoryRoot;
import dev.handoff.local.engines.SamTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@code ./handoff ops ...}: the operator's commands. By default they act on the local stack of a running
 * {@code ./handoff serve}. With {@code --stack NAME --table TABLE} they act on a deployed stack through the
 * default AWS credential chain. Every command that changes something is recorded in the ledger.
 */
public final class OpsCommand {

    static final String USAGE = """
            usage: ./handoff ops COMMAND [--stack NAME --table TABLE [--region R] [--portal ID] [--tenant ID]]
              timeline DEAL                 every step of the deal's handoff with time and outcome
              exceptions list               BLOCKED and FAILED handoffs, parked tenants, failed messages
              dlq list                      depth per dead-letter queue (onboarding FIFO included) and each message
                                            with the ledger's reason
              dlq redrive [--queue Q]       move dead-lettered messages back (SQS StartMessageMoveTask)
              dlq redrive --deal DEAL       move back only that deal's messages
              replay DEAL                   send the message that continues the handoff from its ledger state
              unpark SCOPE                  resume a parked scope, for example tenant:<xero tenant id>
              actions                       the ops actions recorded in the ledger, newest first
              check                         verify the invariants; exits 1 when one is violated
            DEAL is a HubSpot deal id, or a handoff key such as hubspot:9999999:48000000001.""";

    /** A HubSpot record or portal id: a positive decimal number that fits in a long. */
    private static final Pattern HUBSPOT_ID = Pattern.compile("[1-9][0-9]{0,18}");

    /** One parsed command, checked for usage errors before any stack is reached. */
    @FunctionalInterface
    private interface Request {
        int run(Operations operations);
    }

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    public OpsCommand(PrintStream out, PrintStream err) {
        this(System.getenv(), out, err);
    }

    /** Creates the command with {@code environment} in place of the process environment, for AWS_REGION. */
    OpsCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    /** Runs the command and returns the exit code: 0 on success, 1 when the command failed, 2 on a usage error. */
    public int run(List<String> arguments) {
        try {
            return parseAndRun(new ArrayList<>(arguments));
        } catch (IllegalArgumentException e) {
            err.println("handoff ops: " + e.getMessage());
            return 2;
        }
    }

    /** Runs the command against {@code operations}, ignoring the target options; for tests. */
    int run(List<String> arguments, Operations operations) {
        try {
            List<String> args = new ArrayList<>(arguments);
            String portal = CliOptions.take(args, "--portal").orElse(LocalSettings.PORTAL_ID);
            if (args.isEmpty()) {
                err.println(USAGE);
                return 2;
            }
            Optional<Request> request = parse(args, portal);
            return request.isEmpty() ? 2 : request.get().run(operations);
        } catch (IllegalArgumentException e) {
            err.println("handoff ops: " + e.getMessage());
            return 2;
        }
    }

    private int parseAndRun(List<String> args) {
        Optional<String> stack = CliOptions.take(args, "--stack");
        Optional<String> table = CliOptions.take(args, "--table");
        Optional<String> regionOption = CliOptions.take(args, "--region");
        String portal = CliOptions.take(args, "--portal").orElse(stack.isPresent() ? null : LocalSettings.PORTAL_ID);
        String tenant = CliOptions.take(args, "--tenant").orElse(stack.isPresent() ? "unknown" : LocalSettings.TENANT_ID);
        if (args.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        if (stack.isPresent() != table.isPresent()) {
            err.println("handoff ops: --stack and --table go together; the table is the stack output LedgerTableName");
            return 2;
        }
        Optional<Request> request = parse(args, portal);
        if (request.isEmpty()) {
            return 2;
        }
        // Without a region the AWS SDK would fall back to the EC2 instance metadata service, which is slow to
        // time out and ends in a stack trace off EC2, so a deployed stack needs a region before any client exists.
        Optional<String> region = regionOption.or(() -> environmentValue("AWS_REGION"))
                .or(() -> environmentValue("AWS_DEFAULT_REGION"));
        if (stack.isPresent() && region.isEmpty()) {
            err.println("handoff ops: no AWS region is set for stack " + stack.get() + "; pass --region REGION, for"
                    + " example --region af-south-1, or set the AWS_REGION environment variable");
            return 2;
        }
        try {
            Operations operations = stack.isPresent()
                    ? DeployedOps.of(RepositoryRoot.template(), stack.get(), table.get(), region, tenant, actor())
                    : local();
            return request.get().run(operations);
        } catch (IOException e) {
            err.println("handoff ops: " + e.getMessage());
            return 1;
        } catch (SdkClientException e) {
            err.println("handoff ops: cannot reach " + (stack.isPresent() ? "AWS" : "the local stack") + ": "
                    + e.getMessage() + (stack.isPresent() ? "; check the credentials and the region"
                    : "; is ./handoff serve still running? Start it again"));
            return 1;
        }
    }

    private Optional<String> environmentValue(String name) {
        return Optional.ofNullable(environment.get(name)).filter(value -> !value.isBlank());
    }

    /**
     * Parses the command and its arguments into a request, or returns empty after printing the usage for an
     * unknown command.
     *
     * @throws IllegalArgumentException for any other usage error, such as a leftover argument or an invalid deal id
     */
    private Optional<Request> parse(List<String> args, String portal) {
        String command = args.remove(0);
        switch (command) {
            case "timeline" -> {
                HandoffKey key = key(single(args, "timeline DEAL"), portal);
                return Optional.of(operations -> timeline(operations, key));
            }
            case "exceptions" -> {
                if (!args.equals(List.of("list"))) {
                    throw new IllegalArgumentException("use: exceptions list");
                }
                return Optional.of(this::exceptions);
            }
            case "dlq" -> {
                return Optional.of(dlq(args, portal));
            }
            case "replay" -> {
                HandoffKey key = key(single(args, "replay DEAL"), portal);
                return Optional.of(operations -> replay(operations, key));
            }
            case "unpark" -> {
                String scope = single(args, "unpark SCOPE");
                return Optional.of(operations -> unpark(operations, scope));
            }
            case "actions" -> {
                none(args, "actions");
                return Optional.of(this::actions);
            }
            case "check" -> {
                none(args, "check");
                return Optional.of(this::check);
            }
            default -> {
                err.println("handoff ops: unknown command " + command);
                err.println(USAGE);
                return Optional.empty();
            }
        }
    }

    private int timeline(Operations operations, HandoffKey key) {
        Optional<Handoff> handoff = operations.handoff(key);
        if (handoff.isEmpty()) {
            err.println("handoff ops: no handoff " + key + " in the ledger; check the deal id");
            return 1;
        }
        out.println("Handoff " + key + " (" + handoff.get().state() + ", version " + handoff.get().version() + ")");
        for (TimelineEvent event : operations.timeline(key)) {
            out.printf("  %-32s %-12s %-18s %s%n", event.at(), event.step(), event.outcome(),
                    event.detail() == null ? "" : event.detail());
        }
        return 0;
    }

    private int exceptions(Operations operations) {
        List<Handoff> exceptions = operations.exceptions();
        out.println("Handoffs needing a person: " + exceptions.size());
        for (Handoff handoff : exceptions) {
            out.println("  " + handoff.key() + "  " + handoff.state() + "  resume at " + handoff.resumeState()
                    + "  fields " + handoff.blockedFields() + "  " + handoff.blockedReason());
        }
        List<TenantPark> parks = operations.parks();
        out.println("Parked scopes: " + parks.size());
        parks.forEach(park -> out.println("  " + park.scope() + "  since " + park.parkedAt() + "  " + park.reason()
                + "  (fix it, then ./handoff ops unpark " + park.scope() + ")"));
        List<MessageFailure> failures = operations.messageFailures();
        out.println("Failed messages recorded: " + failures.size());
        failures.forEach(failure -> out.println("  " + failure.messageId() + "  " + failure.queue() + "  "
                + failure.failureClass() + "  attempt " + failure.attempt() + "  " + failure.reason()));
        return 0;
    }

    private Request dlq(List<String> args, String portal) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("use: dlq list | dlq redrive [--queue Q | --deal DEAL]");
        }
        String action = args.remove(0);
        if (action.equals("list")) {
            none(args, "dlq list");
            return this::dlqList;
        }
        if (action.equals("redrive")) {
            Optional<String> deal = CliOptions.take(args, "--deal");
            Optional<String> queue = CliOptions.take(args, "--queue");
            if (!args.isEmpty() || (deal.isPresent() && queue.isPresent())) {
                throw new IllegalArgumentException("use: dlq redrive [--queue Q] or dlq redrive --deal DEAL");
            }
            if (deal.isPresent()) {
                HandoffKey key = key(deal.get(), portal);
                return operations -> redriveDeal(operations, key);
            }
            return operations -> {
                operations.redrive(queue).forEach((name, moved) -> out.println(name + ": moved " + moved + " message(s) back"));
                return 0;
            };
        }
        throw new IllegalArgumentException("use: dlq list | dlq redrive [--queue Q | --deal DEAL]");
    }

    private int dlqList(Operations operations) {
        Map<String, Integer> depths = operations.deadLetterDepths();
        depths.forEach((queue, depth) -> out.println(queue + " dead-letter queue: " + depth + " message(s)"));
        for (DeadLetterMessage message : operations.deadLetters()) {
            out.println("  " + message.queue() + "  " + message.messageId() + "  handoff "
                    + (message.handoffKey() == null ? "-" : message.handoffKey()) + "  "
                    + message.failure().map(failure -> failure.failureClass() + ": " + failure.reason())
                            .orElse("no reason in the ledger"));
        }
        return 0;
    }

    private int redriveDeal(Operations operations, HandoffKey key) {
        int moved = operations.redriveDeal(key);
        if (moved == 0) {
            // A script that redrives a deal after a fix must notice that nothing was there to move.
            err.println("handoff ops: no dead-letter message of " + key + " was found; run dlq list to see "
                    + "which deals have one");
            return 1;
        }
        out.println("Moved " + moved + " message(s) of " + key + " back to their queues");
        return 0;
    }

    private int replay(Operations operations, HandoffKey key) {
        if (operations.handoff(key).isEmpty()) {
            err.println("handoff ops: no handoff " + key + " in the ledger; check the deal id");
            return 1;
        }
        try {
            out.println("Sent " + key + " to " + operations.replay(key));
            return 0;
        } catch (IllegalArgumentException e) {
            // The request was valid, but the handoff's state leaves nothing to send.
            err.println("handoff ops: " + e.getMessage());
            return 1;
        }
    }

    private int unpark(Operations operations, String scope) {
        if (!operations.unpark(scope)) {
            err.println("handoff ops: " + scope + " was not parked; ./handoff ops exceptions list shows the parked scopes");
            return 1;
        }
        out.println("Unparked " + scope);
        return 0;
    }

    private int actions(Operations operations) {
        for (OpsAction action : operations.opsActions()) {
            out.println(action.at() + "  " + action.actor() + "  " + action.action() + "  " + action.target() + "  "
                    + action.outcome());
        }
        return 0;
    }

    private int check(Operations operations) {
        List<String> violations = operations.check();
        if (violations.isEmpty()) {
            out.println("ops check passed: every accepted delivery is complete, waiting, queued or a visible exception;"
                    + " no deal has two invoices; ledger invoice links match the accounting system");
            return 0;
        }
        out.println("ops check found " + violations.size() + " violation(s):");
        violations.forEach(violation -> out.println("  " + violation));
        return 1;
    }

    private static Operations local() throws IOException {
        Path root = RepositoryRoot.find();
        LocalStackState state = LocalStackState.read(root);
        SamTemplate template = SamTemplate.read(RepositoryRoot.template(), "handoff");
        return new Operations(AwsClients.sqs(state.sqsEndpoint()),
                new dev.handoff.ledger.Ledger(AwsClients.dynamoDb(state.dynamoDbEndpoint()), state.ledgerTable()),
                state.routes(), LocalSettings.TENANT_ID, Optional.of(LocalOps.localXero(state.xeroBaseUrl())), actor(),
                java.time.Clock.systemUTC());
    }

    /**
     * Returns the handoff key a DEAL argument names: a HubSpot deal id, or a handoff key. A HubSpot portal or
     * deal id that is not a positive decimal number is a usage error, because no handoff can have it.
     */
    static HandoffKey key(String deal, String portal) {
        HandoffKey key;
        if (deal.contains(":")) {
            key = HandoffKey.parse(deal);
        } else if (portal == null) {
            throw new IllegalArgumentException("deal " + deal + " needs --portal ID (the HubSpot portal id), or pass"
                    + " the handoff key hubspot:PORTAL:DEAL");
        } else {
            key = HandoffKey.hubspot(portal, deal);
        }
        if (key.crm().equals("hubspot") && !HUBSPOT_ID.matcher(key.dealId()).matches()) {
            throw new IllegalArgumentException("deal id '" + key.dealId() + "' is invalid; use the HubSpot deal id,"
                    + " a positive decimal number such as 48000000001");
        }
        if (key.crm().equals("hubspot") && !HUBSPOT_ID.matcher(key.accountId()).matches()) {
            throw new IllegalArgumentException("portal id '" + key.accountId() + "' is invalid; use the HubSpot portal id,"
                    + " a positive decimal number such as 9999999");
        }
        return key;
    }

    private static String single(List<String> args, String usage) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("use: " + usage);
        }
        return args.get(0);
    }

    /** Rejects any argument left after the command's own, such as an unknown option. */
    private static void none(List<String> args, String usage) {
        if (!args.isEmpty()) {
            String kind = args.get(0).startsWith("--") ? "unknown option " : "unexpected argument ";
            throw new IllegalArgumentException(kind + args.get(0) + "; use: " + usage);
        }
    }

    /** Returns the operator to record in the ledger: the operating-system user. */
    private static String actor() {
        return SystemUser.name().orElse("unknown-operator");
    }
}
