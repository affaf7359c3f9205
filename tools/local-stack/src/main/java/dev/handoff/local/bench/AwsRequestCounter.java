package dev.handoff.local.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Counts the AWS requests of every SDK client in this JVM while the benchmark is counting, by service and
 * operation, and the DynamoDB capacity units that the engine reports. The SDK loads it for every client from
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}; when nothing is counting it changes and
 * records nothing.
 *
 * <p>While counting, DynamoDB item requests ask for {@code ReturnConsumedCapacity=TOTAL}. dynalite computes units
 * from item sizes as DynamoDB does for GetItem, PutItem, UpdateItem and DeleteItem.
 * NOTE: dynalite reports no units for Query and none for index writes, so the benchmark estimates those.
 */
public final class AwsRequestCounter implements ExecutionInterceptor {

    private static volatile Tally active;

    /** Starts counting into a new tally, replacing any tally in progress. */
    public static Tally start() {
        Tally tally = new Tally();
        active = tally;
        return tally;
    }

    /** Stops counting; the tally keeps its counts. */
    public static void stop() {
        active = null;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes executionAttributes) {
        SdkRequest request = context.request();
        if (active == null) {
            return request;
        }
        if (request instanceof GetItemRequest get) {
            return get.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof PutItemRequest put) {
            return put.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof UpdateItemRequest update) {
            return update.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof DeleteItemRequest delete) {
            return delete.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof QueryRequest query) {
            return query.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        return request;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes executionAttributes) {
        Tally tally = active;
        if (tally == null) {
            return;
        }
        String operation = operation(executionAttributes);
        SdkResponse response = context.response();
        if (response instanceof ReceiveMessageResponse receive && receive.messages().isEmpty()) {
            operation = operation + " (empty)";
        }
        tally.request(operation, capacityUnits(response));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes executionAttributes) {
        Tally tally = active;
        if (tally != null) {
            tally.request(operation(executionAttributes) + " (failed)", null);
        }
    }

    private static String operation(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    private static Double capacityUnits(SdkResponse response) {
        ConsumedCapacity capacity = null;
        if (response instanceof GetItemResponse get) {
            capacity = get.consumedCapacity();
        } else if (response instanceof PutItemResponse put) {
            capacity = put.consumedCapacity();
        } else if (response instanceof UpdateItemResponse update) {
            capacity = update.consumedCapacity();
        } else if (response instanceof DeleteItemResponse delete) {
            capacity = delete.consumedCapacity();
        } else if (response instanceof QueryResponse query) {
            capacity = query.consumedCapacity();
        } else if (response instanceof BatchWriteItemResponse batch && batch.hasConsumedCapacity()) {
            return batch.consumedCapacity().stream().mapToDouble(ConsumedCapacity::capacityUnits).sum();
        }
        return capacity == null || capacity.capacityUnits() == null ? null : capacity.capacityUnits();
    }

    /** Requests and reported capacity units by {@code Service.Operation}. */
    public static final class Tally {
        private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
        private final Map<String, DoubleAdder> capacityUnits = new ConcurrentHashMap<>();

        private void request(String operation, Double units) {
            requests.computeIfAbsent(operation, name -> new LongAdder()).increment();
            if (units != null) {
                capacityUnits.computeIfAbsent(operation, name -> new DoubleAdder()).add(units);
            }
        }

        /** Returns request counts by operation, sorted by name. */
        public Map<String, Long> requests() {
            Map<String, Long> counts = new TreeMap<>();
            requests.forEach((operation, count) -> counts.put(operation, count.sum()));
            return counts;
        }

        /** Returns the capacity units the engine reported, by operation, sorted by name. */
        public Map<String, Double> capacityUnits() {
            Map<String, Double> units = new TreeMap<>();
            capacityUnits.forEach((operation, sum) -> units.put(operation, sum.sum()));
            return units;
        }
    }
}
