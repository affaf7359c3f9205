package dev.handoff.local;

import java.util.List;
import java.util.Optional;

/** Option parsing shared by the {@code ./handoff} subcommands that take {@code --name VALUE} options. */
public final class CliOptions {

    private CliOptions() {
    }

    /**
     * Removes {@code name VALUE} from {@code args} and returns the value, or empty when {@code name} is absent.
     *
     * @throws IllegalArgumentException when {@code name} is the last argument, so its value is missing
     */
    public static Optional<String> take(List<String> args, String name) {
        int at = args.indexOf(name);
        if (at < 0) {
            return Optional.empty();
        }
        if (at + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.remove(at + 1);
        args.remove(at);
        return Optional.of(value);
    }
}
