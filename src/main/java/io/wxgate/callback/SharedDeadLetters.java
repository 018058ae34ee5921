package io.wxgate.callback;

import java.util.Optional;
import java.util.SortedMap;

/**
 * Where a cluster keeps its inbound dead letters, so that every instance lists and replays them and none is lost
 * with the instance that processed it (SPEC §6). Ids are the letters' names (InboundDeadLetters.fileName, without
 * ".json"). A replay holds its letter for this instance from the API call until the routes have run it, then removes
 * it; a hold lapses a while after the last time it was taken or claimed, so a letter whose instance died is
 * replayable again, and an instance never runs a letter that another holds.
 */
public interface SharedDeadLetters {

    void keep(String id, String json);

    /** Every letter, id to message JSON, oldest first. */
    SortedMap<String, String> all();

    /** A letter's JSON, held by this instance; empty when there is none, or another replay holds it. */
    Optional<String> take(String id);

    /**
     * Whether this instance may run the letter now, just before its routes do: it holds it (the hold starts
     * afresh), or nobody does and it is still kept (it is held now), or it is not kept at all (a file moved into
     * {@code replay/} by hand). False when another instance holds it.
     */
    boolean claim(String id);

    /** The routes ran the letter (a failure has become a new letter): it is gone, if this instance held it. */
    void replayed(String id);

    /** The replay could not run: this instance's hold ends, the letter stays to be replayed again. */
    void release(String id);
}
