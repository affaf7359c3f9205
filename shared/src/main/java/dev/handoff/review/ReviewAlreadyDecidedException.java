package dev.handoff.review;

/** A second decision on a review item that a person already approved or rejected. */
public final class ReviewAlreadyDecidedException extends RuntimeException {

    private final String reviewId;

    public ReviewAlreadyDecidedException(String reviewId, Throwable cause) {
        super("Review " + reviewId + " is already decided; show it with ./handoff reviews show " + reviewId, cause);
        this.reviewId = reviewId;
    }

    public String reviewId() {
        return reviewId;
    }
}
