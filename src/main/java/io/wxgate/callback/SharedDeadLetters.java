package io.wxgate.callback;

import java.util.Optional;
import java.util.SortedMap;

/**
 * Where a cluster keeps its inbound dead letters, so that every instance lists and replays them and none is lost
 * with the instance that processed it (SPEC §6). Ids are the letters' names (InboundDeadLetters.fileName, without
 * ".json"). A replay takes a letter for a while, runs it through the routes and then removes it: should the instance
 * die first, the letter is there to replay again once the hold lapses.
 */
public interface SharedDeadLetters {

    void keep(String id, String json);

    /** Every letter, id to message JSON, oldest first. */
    SortedMap<String, String> all();

    /** A letter's JSON, held for this replay; empty when there is none, or another replay holds it. */
    Optional<String> take(String id);

    /** The replay of a taken letter ran (a failure has become a new letter): the letter is gone. */
    void replayed(String id);
}
