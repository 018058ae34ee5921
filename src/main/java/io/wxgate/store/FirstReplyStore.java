package io.wxgate.store;

import java.util.concurrent.CompletableFuture;

/**
 * The answer given to the first delivery of a callback, so that every retry of it gets the same answer
 * (SPEC §2). An empty string stands for {@code success}, i.e. no passive reply.
 */
public interface FirstReplyStore {

    /** Completes once the first delivery's answer is known; shared by the first delivery and its retries. */
    CompletableFuture<String> replyFor(String key);

    /**
     * Records the answer for a key. Returns false when an answer was already recorded, which is how a reply
     * produced after the deadline learns that the user must be reached another way.
     */
    boolean offer(String key, String reply);

    /**
     * Asked by a retry while it waits for {@link #replyFor}: completes when the delivery's claim lapsed with no
     * answer recorded, because the instance that claimed it died, and this caller won the claim in its place
     * (SPEC §6). The caller then processes the message and answers it as the first delivery would; among
     * several waiting retries exactly one is chosen. Cancel it once the wait is over, so that a retry gone
     * takes no claim. In one JVM a claim dies with its waiters, so by default no takeover ever comes.
     */
    default CompletableFuture<Void> takeOver(String key) {
        return new CompletableFuture<>();
    }
}
