package dev.handoff.local.engines;

/**
 * A CloudFormation intrinsic function written with a YAML short tag, such as {@code !Ref DealWonQueue} or
 * {@code !GetAtt DealWonQueue.Arn}.
 *
 * @param function the tag without its {@code !}, for example {@code Ref}, {@code GetAtt} or {@code Sub}
 * @param argument the tagged node as a String, List or Map, which may contain further intrinsics
 */
public record Intrinsic(String function, Object argument) {
}
