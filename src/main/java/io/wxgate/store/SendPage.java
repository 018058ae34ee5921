package io.wxgate.store;

import java.util.List;

/**
 * One page of a listing, newest first.
 *
 * @param next where the next page starts; null when this page is the last
 */
public record SendPage(List<SendRecord> sends, SendQuery.Position next) {
}
