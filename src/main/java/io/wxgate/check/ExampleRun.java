package io.wxgate.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.account.Accounts;
import io.wxgate.callback.InboundRoutes;
import io.wxgate.callback.PassiveReplies;
import io.wxgate.check.Example.ExpectedReply;
import io.wxgate.check.Example.ExpectedSend;
import io.wxgate.check.SentOut.Sent;
import io.wxgate.message.Json;
import io.wxgate.message.Reply;
import io.wxgate.message.ReplyHeaders;
import io.wxgate.message.WeChatMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.EndpointHelper;
import org.apache.camel.util.URISupport;

/**
 * Runs one example through the gateway's inbound path — the message handed to {@code direct:wechat-inbound} exactly
 * as the dispatcher hands a verified, new callback (InboundDispatcher) — and compares what came out with what the
 * example expects. Each difference is one sentence, naming what was expected and what came instead.
 */
final class ExampleRun {

    /** How long sends made off the routes' own thread (a wireTap, a seda queue) are waited for. */
    private static final Duration STRAGGLERS = Duration.ofSeconds(1);

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final SentOut sentOut;
    private final Accounts accounts;
    /** Null when there is no accounts file: an example may then name any AppId. */
    private final Set<String> knownAppIds;
    private final String deadLetterUri;
    private final Duration deadline;

    ExampleRun(CamelContext camel, SentOut sentOut, Accounts accounts, boolean accountsFileExists,
            String deadLetterUri, Duration deadline) {
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.sentOut = sentOut;
        this.accounts = accounts;
        this.knownAppIds = accountsFileExists ? accounts.snapshot().byAppId().keySet() : null;
        this.deadLetterUri = deadLetterUri;
        this.deadline = deadline;
    }

    /** @return the differences; empty when the example holds */
    List<String> run(Example example) {
        String appId = example.appId() == null ? accounts.defaultAccount().appId() : example.appId();
        if (knownAppIds != null && !knownAppIds.contains(appId)) {
            return List.of("no official account " + appId + " is configured (the accounts in force: "
                    + String.join(", ", new TreeSet<>(knownAppIds)) + ")");
        }
        WeChatMessage message = Json.MAPPER.convertValue(example.message(), WeChatMessage.class);
        sentOut.clear();
        long started = System.nanoTime();
        Exchange done = producer.send(InboundRoutes.INBOUND, ExchangePattern.InOnly, ex -> {
            ex.getIn().setBody(message);
            ex.setVariable(Accounts.APP_ID_HEADER, appId);
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        awaitInflight();

        List<String> differences = new ArrayList<>();
        Optional<Sent> deadLetter = sentOut.all().stream().filter(s -> matches(s.uri(), deadLetterUri)).findFirst();
        if (done.getException() != null) {
            differences.add("the routes failed and the message could not even be kept: " + done.getException());
        } else if (deadLetter.isPresent()) {
            differences.add("the routes failed: " + failureOf(deadLetter.get())
                    + " (WeChat gets success; the message is kept as a dead letter)");
        }
        if (took.compareTo(deadline) > 0) {
            differences.add(String.format("the routes took %.1f s, past wechat.callback.deadline (%.1f s): WeChat gets "
                    + "success, and a reply goes out as a customer-service message", took.toMillis() / 1000.0,
                    deadline.toMillis() / 1000.0));
        }
        Reply reply = done.getVariable(PassiveReplies.REPLY, Reply.class);
        String wrongHeaders = reply == null ? wrongReplyHeaders(done) : null;
        if (wrongHeaders != null) {
            differences.add("the reply headers are wrong, so the user gets no reply: " + wrongHeaders);
        } else if (example.reply() != null) {
            replyDifference(example.reply(), reply).ifPresent(differences::add);
        }
        if (example.forwards() != null) {
            differences.addAll(forwardDifferences(example.forwards()));
        }
        return differences;
    }

    private static String failureOf(Sent deadLetter) {
        Throwable failure = deadLetter.failure();
        return failure == null ? "(no exception recorded)" : failure.toString();
    }

    /** PassiveReplies logs why the reply headers make no reply and answers without one; here it is the finding. */
    private static String wrongReplyHeaders(Exchange done) {
        try {
            ReplyHeaders.fromHeaders(done.getMessage()::getHeader);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Optional<String> replyDifference(ExpectedReply expected, Reply actual) {
        if (expected.none()) {
            return actual == null ? Optional.empty() : Optional.of("expected no reply but got " + describe(actual));
        }
        String kind = kindName(expected.kind());
        if (actual == null) {
            return Optional.of("expected " + article(kind) + " reply but got no reply");
        }
        Map<String, String> fields = fields(actual);
        if (!fields.containsKey(expected.kind())) {
            return Optional.of("expected " + article(kind) + " reply but got " + describe(actual));
        }
        String value = fields.get(expected.kind());
        if (expected.contains() && !value.contains(expected.value())) {
            return Optional.of("expected a text reply containing " + quote(expected.value()) + " but got "
                    + quote(value));
        }
        if (!expected.contains() && !expected.value().equals(value)) {
            return Optional.of("expected reply " + expected.kind() + " " + quote(expected.value()) + " but got "
                    + quote(value));
        }
        for (Map.Entry<String, String> part : expected.parts().entrySet()) {
            String got = fields.get(part.getKey());
            if (!Objects.equals(part.getValue(), got)) {
                return Optional.of("expected reply " + part.getKey() + " " + quote(part.getValue()) + " but got "
                        + (got == null ? "none" : quote(got)));
            }
        }
        return Optional.empty();
    }

    private List<String> forwardDifferences(List<ExpectedSend> expected) {
        List<String> differences = evaluate(expected);
        long giveUp = System.nanoTime() + STRAGGLERS.toNanos();
        while (!differences.isEmpty() && !expected.isEmpty() && System.nanoTime() < giveUp) {
            sleep();
            differences = evaluate(expected);
        }
        return differences;
    }

    private List<String> evaluate(List<ExpectedSend> expected) {
        List<Sent> unclaimed = new ArrayList<>(sentOut.all());
        unclaimed.removeIf(s -> matches(s.uri(), deadLetterUri));
        List<String> differences = new ArrayList<>();
        if (expected.isEmpty()) {
            for (Sent s : unclaimed) {
                differences.add("expected nothing sent out but " + shortBody(s) + " was sent to "
                        + URISupport.sanitizeUri(s.uri()));
            }
            return differences;
        }
        for (ExpectedSend send : expected) {
            String pattern;
            try {
                pattern = camel.resolvePropertyPlaceholders(send.to());
            } catch (RuntimeException e) {
                differences.add("forward to " + send.to() + ": " + e.getMessage());
                continue;
            }
            List<Sent> there = unclaimed.stream().filter(s -> matches(s.uri(), pattern)).toList();
            if (there.isEmpty()) {
                differences.add("expected a forward to " + send.to() + " but nothing was sent there"
                        + (unclaimed.isEmpty() ? " (nothing was sent out)" : " (sent to: " + String.join(", ",
                                unclaimed.stream().map(s -> URISupport.sanitizeUri(s.uri())).distinct().toList()) + ")"));
                continue;
            }
            String firstDifference = null;
            Sent match = null;
            for (Sent candidate : there) {
                String difference = contentDifference(send, candidate);
                if (difference == null) {
                    match = candidate;
                    break;
                }
                if (firstDifference == null) {
                    firstDifference = difference;
                }
            }
            if (match != null) {
                unclaimed.remove(match);
            } else {
                differences.add("forward to " + send.to() + ": " + firstDifference);
            }
        }
        return differences;
    }

    /** @return null when the message sent matches what is expected of it */
    private String contentDifference(ExpectedSend expected, Sent sent) {
        if (expected.body() != null && !expected.body().equals(sent.body())) {
            return "expected body " + quote(expected.body()) + " but got " + quote(sent.body());
        }
        if (expected.json() != null) {
            JsonNode json;
            try {
                json = sent.body() == null ? null : Json.MAPPER.readTree(sent.body());
            } catch (JsonProcessingException e) {
                json = null;
            }
            if (json == null) {
                return "expected JSON but the body is " + quote(sent.body());
            }
            String difference = JsonSubset.difference("", expected.json(), json);
            if (difference != null) {
                return difference;
            }
        }
        for (Map.Entry<String, Object> header : expected.headers().entrySet()) {
            Object value = sent.headers().get(header.getKey());
            String got = value == null ? null : camel.getTypeConverter().convertTo(String.class, value);
            if (header.getValue() == null && got != null) {
                return "expected no header " + header.getKey() + " but got " + quote(got);
            }
            if (header.getValue() != null && !header.getValue().equals(got)) {
                return "expected header " + header.getKey() + " " + quote(String.valueOf(header.getValue()))
                        + " but got " + (got == null ? "none" : quote(got));
            }
        }
        return null;
    }

    /** An endpoint URI against a pattern: Camel's matching (exact, {@code *}, regex), or the URI without its options. */
    private boolean matches(String uri, String pattern) {
        try {
            return EndpointHelper.matchEndpoint(camel, uri, pattern)
                    || (!pattern.contains("?") && EndpointHelper.matchEndpoint(camel, URISupport.stripQuery(uri), pattern));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Sends made off the routes' thread land shortly after the exchange returns. */
    private void awaitInflight() {
        long giveUp = System.nanoTime() + deadline.toNanos();
        while (camel.getInflightRepository().size() > 0 && System.nanoTime() < giveUp) {
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The reply in the vocabulary of the examples: the reply headers' names without {@code WeChatReply}. */
    static Map<String, String> fields(Reply reply) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (reply instanceof Reply.Text text) {
            fields.put("text", text.content());
        } else if (reply instanceof Reply.Image image) {
            fields.put("image", image.mediaId());
        } else if (reply instanceof Reply.Voice voice) {
            fields.put("voice", voice.mediaId());
        } else if (reply instanceof Reply.Video video) {
            fields.put("video", video.mediaId());
            fields.put("title", video.title());
            fields.put("description", video.description());
        } else if (reply instanceof Reply.Music music) {
            fields.put("musicUrl", music.musicUrl());
            fields.put("hqMusicUrl", music.hqMusicUrl());
            fields.put("thumbMediaId", music.thumbMediaId());
            fields.put("title", music.title());
            fields.put("description", music.description());
        } else if (reply instanceof Reply.News news) {
            Reply.Article first = news.articles().get(0);
            fields.put("newsUrl", first.url());
            fields.put("title", first.title());
            fields.put("description", first.description());
            fields.put("picUrl", first.picUrl());
        }
        return fields;
    }

    private static String describe(Reply reply) {
        Map<String, String> fields = fields(reply);
        Iterator<Map.Entry<String, String>> first = fields.entrySet().iterator();
        Map.Entry<String, String> kind = first.next();
        String name = kindName(kind.getKey());
        if (reply instanceof Reply.News || reply instanceof Reply.Video || reply instanceof Reply.Music) {
            String title = fields.get("title");
            return article(name) + " reply" + (title == null ? "" : " " + quote(title));
        }
        return article(name) + " reply " + quote(kind.getValue());
    }

    private static String kindName(String kind) {
        return switch (kind) {
            case "musicUrl" -> "music";
            case "newsUrl" -> "news";
            default -> kind;
        };
    }

    private static String article(String kind) {
        return (kind.startsWith("i") ? "an " : "a ") + kind;
    }

    private static String shortBody(Sent sent) {
        String body = sent.body() == null ? "" : sent.body();
        return body.length() > 80 ? quote(body.substring(0, 80) + "…") : quote(body);
    }

    static String quote(String text) {
        return text == null ? "null" : "\"" + text.replace("\n", "\\n") + "\"";
    }
}
