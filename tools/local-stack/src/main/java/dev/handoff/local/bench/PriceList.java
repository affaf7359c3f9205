package dev.handoff.local.bench;

/**
 * List prices in US dollars for af-south-1 (Africa, Cape Town), arm64, on-demand, without free tiers, as read
 * on 2026-12-04. Only the Lambda duration price is a published af-south-1 figure, and it comes from a secondary
 * source (artillery 2.0.28, lib/platform/aws-lambda/prices.js, which copies https://aws.amazon.com/lambda/pricing/).
 * NOTE: the other prices are assumptions taken from US East (N. Virginia); af-south-1 prices are usually higher,
 * so check them on the AWS pricing pages before quoting a cost.
 */
final class PriceList {

    static final double LAMBDA_GB_SECOND = 0.0000176800;
    static final double LAMBDA_REQUEST = 0.20 / 1_000_000;
    static final double SQS_REQUEST = 0.40 / 1_000_000;
    static final double DYNAMODB_WRITE_UNIT = 0.625 / 1_000_000;
    static final double DYNAMODB_READ_UNIT = 0.125 / 1_000_000;
    static final double HTTP_API_REQUEST = 1.00 / 1_000_000;

    private PriceList() {
    }
}
