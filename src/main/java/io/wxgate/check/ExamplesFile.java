package io.wxgate.check;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.wxgate.check.Example.ExpectedReply;
import io.wxgate.check.Example.ExpectedSend;
import io.wxgate.message.Json;
import io.wxgate.message.WeChatMessage;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads an examples file ({@code <name>.examples.yaml} beside {@code <name>.camel.yaml}): a YAML list of examples.
 * A mistake in it — an unknown key, a misspelt WeChat field, a reply of two kinds — is reported with its line, as a
 * mistake in a route is: an example that silently checks nothing is worse than none.
 *
 * <p>Every value is read as text, as the message's fields are text to WeChat: {@code Content: 0123} stays
 * {@code 0123}, {@code Content: yes} stays {@code yes}. A plain {@code null} or {@code ~} is null.
 */
final class ExamplesFile {

    static final String NAME = "name";
    static final String APP_ID = "appId";
    static final String MESSAGE = "message";
    static final String REPLY = "reply";
    static final String FORWARDS = "forwards";
    private static final Set<String> EXAMPLE_KEYS = Set.of(NAME, APP_ID, MESSAGE, REPLY, FORWARDS);

    static final String NO_REPLY = "none";
    static final String TEXT_CONTAINS = "textContains";
    /** The reply kinds, named as their headers without the {@code WeChatReply} prefix, and the parts each takes. */
    private static final Map<String, Set<String>> REPLY_KINDS = Map.of(
            "text", Set.of(),
            TEXT_CONTAINS, Set.of(),
            "image", Set.of(),
            "voice", Set.of(),
            "video", Set.of("title", "description"),
            "musicUrl", Set.of("title", "description", "hqMusicUrl", "thumbMediaId"),
            "newsUrl", Set.of("title", "description", "picUrl"));
    private static final Set<String> REPLY_PARTS = Set.of("title", "description", "picUrl", "hqMusicUrl",
            "thumbMediaId");

    private static final Set<String> SEND_KEYS = Set.of("to", "body", "json", "headers");

    /** What a message has when its example leaves it out. */
    static final String DEFAULT_TO_USER = "gh_example";
    static final String DEFAULT_FROM_USER = "o-example-user";
    private static final long FIRST_MSG_ID = 7_000_000_000_000_000_000L;

    /** WeChat's field names as the message model reads them (and the forward writes them), aliases included. */
    static final Set<String> MESSAGE_FIELDS = messageFields();

    /** A mistake in an examples file, at a line of it. */
    static final class Mistake extends RuntimeException {
        private final int line;

        Mistake(int line, String message) {
            super(message);
            this.line = line;
        }

        int line() {
            return line;
        }
    }

    private ExamplesFile() {
    }

    static List<Example> read(String text) {
        Node root = compose(text);
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof SequenceNode list)) {
            throw new Mistake(line(root), "an examples file is a YAML list of examples (\"- name: …\")");
        }
        List<Example> examples = new ArrayList<>();
        for (Node item : list.getValue()) {
            examples.add(example(item));
        }
        return examples;
    }

    private static Example example(Node node) {
        Map<String, NodeTuple> entries = mapping(node, "an example", EXAMPLE_KEYS);
        String name = text(entries, NAME);
        if (name == null || name.isBlank()) {
            throw new Mistake(line(node), "an example needs a name (\"name: what it shows\")");
        }
        NodeTuple message = entries.get(MESSAGE);
        if (message == null) {
            throw new Mistake(line(node), name + ": needs a message (\"message: {MsgType: text, Content: …}\")");
        }
        if (!entries.containsKey(REPLY) && !entries.containsKey(FORWARDS)) {
            throw new Mistake(line(node), name + ": says nothing to check; give a reply, forwards, or both");
        }
        return new Example(line(node), name, text(entries, APP_ID), message(message.getValueNode(), name),
                entries.containsKey(REPLY) ? reply(entries.get(REPLY).getValueNode(), name) : null,
                entries.containsKey(FORWARDS) ? forwards(entries.get(FORWARDS).getValueNode(), name) : null);
    }

    private static Map<String, Object> message(Node node, String name) {
        if (!(node instanceof MappingNode)) {
            throw new Mistake(line(node), name + ": message is a mapping of WeChat's fields (MsgType, Content, …)");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (NodeTuple entry : ((MappingNode) node).getValue()) {
            String field = key(entry);
            if (!MESSAGE_FIELDS.contains(field)) {
                throw new Mistake(line(entry.getKeyNode()), name + ": message field " + field + " is not one of "
                        + "WeChat's (" + hint(field, MESSAGE_FIELDS) + ")");
            }
            if (fields.put(field, plain(entry.getValueNode())) != null) {
                throw new Mistake(line(entry.getKeyNode()), name + ": message field " + field + " is given twice");
            }
        }
        if (fields.get("MsgType") == null) {
            // The two kinds an example is mostly about; any other kind says its MsgType.
            if (fields.get("Event") != null) {
                fields.put("MsgType", "event");
            } else if (fields.get("Content") != null) {
                fields.put("MsgType", "text");
            } else {
                throw new Mistake(line(node), name + ": message needs its MsgType (text, image, event, …)");
            }
        }
        fields.putIfAbsent("ToUserName", DEFAULT_TO_USER);
        fields.putIfAbsent("FromUserName", DEFAULT_FROM_USER);
        fields.putIfAbsent("CreateTime", String.valueOf(System.currentTimeMillis() / 1000));
        if (!"event".equals(fields.get("MsgType"))) {
            // Every message but an event has one (wechat-protocol.md §2); each example its own.
            fields.putIfAbsent("MsgId", String.valueOf(FIRST_MSG_ID + line(node)));
        }
        try {
            Json.MAPPER.convertValue(fields, WeChatMessage.class);
        } catch (IllegalArgumentException e) {
            throw new Mistake(line(node), name + ": message does not read as a WeChat message: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return fields;
    }

    private static ExpectedReply reply(Node node, String name) {
        if (node instanceof ScalarNode scalar && NO_REPLY.equals(scalar.getValue())) {
            return ExpectedReply.NONE;
        }
        Set<String> keys = new LinkedHashSet<>(REPLY_KINDS.keySet());
        keys.addAll(REPLY_PARTS);
        if (!(node instanceof MappingNode)) {
            throw new Mistake(line(node), name + ": reply is \"none\" or a mapping such as {text: …}");
        }
        Map<String, NodeTuple> entries = mapping(node, "a reply", keys);
        List<String> kinds = entries.keySet().stream().filter(REPLY_KINDS::containsKey).toList();
        if (kinds.size() != 1) {
            throw new Mistake(line(node), name + ": a reply has exactly one kind of "
                    + String.join(", ", new TreeSet<>(REPLY_KINDS.keySet())) + (kinds.isEmpty() ? "" : "; got " + kinds));
        }
        String kind = kinds.get(0);
        Map<String, String> parts = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (entry.getKey().equals(kind)) {
                continue;
            }
            if (!REPLY_KINDS.get(kind).contains(entry.getKey())) {
                throw new Mistake(line(entry.getValue().getKeyNode()), name + ": " + entry.getKey()
                        + " is not part of a " + kind + " reply");
            }
            parts.put(entry.getKey(), text(entries, entry.getKey()));
        }
        String value = text(entries, kind);
        if (value == null) {
            throw new Mistake(line(entries.get(kind).getKeyNode()), name + ": reply " + kind + " needs a value");
        }
        boolean contains = kind.equals(TEXT_CONTAINS);
        return new ExpectedReply(contains ? "text" : kind, value, contains, parts);
    }

    private static List<ExpectedSend> forwards(Node node, String name) {
        if (!(node instanceof SequenceNode list)) {
            throw new Mistake(line(node), name + ": forwards is a list (\"- to: …\"), or [] for nothing sent out");
        }
        List<ExpectedSend> sends = new ArrayList<>();
        for (Node item : list.getValue()) {
            Map<String, NodeTuple> entries = mapping(item, "a forward", SEND_KEYS);
            String to = text(entries, "to");
            if (to == null || to.isBlank()) {
                throw new Mistake(line(item), name + ": a forward names its endpoint (\"to: …\")");
            }
            Map<String, Object> headers = new LinkedHashMap<>();
            if (entries.containsKey("headers")) {
                Node headerNode = entries.get("headers").getValueNode();
                if (!(headerNode instanceof MappingNode)) {
                    throw new Mistake(line(headerNode), name + ": headers is a mapping of header names to values");
                }
                for (NodeTuple header : ((MappingNode) headerNode).getValue()) {
                    headers.put(key(header), plain(header.getValueNode()));
                }
            }
            sends.add(new ExpectedSend(line(item), to, text(entries, "body"),
                    entries.containsKey("json") ? plain(entries.get("json").getValueNode()) : null, headers));
        }
        return sends;
    }

    /** A mapping's entries by key, refusing keys it does not know and keys given twice. */
    private static Map<String, NodeTuple> mapping(Node node, String what, Set<String> known) {
        if (!(node instanceof MappingNode map)) {
            throw new Mistake(line(node), what + " is a mapping of " + String.join(", ", new TreeSet<>(known)));
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple entry : map.getValue()) {
            String key = key(entry);
            if (!known.contains(key)) {
                throw new Mistake(line(entry.getKeyNode()), "unknown key " + key + " in " + what + " ("
                        + hint(key, known) + ")");
            }
            if (entries.put(key, entry) != null) {
                throw new Mistake(line(entry.getKeyNode()), key + " is given twice in " + what);
            }
        }
        return entries;
    }

    private static String text(Map<String, NodeTuple> entries, String key) {
        NodeTuple entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        Object value = plain(entry.getValueNode());
        if (value != null && !(value instanceof String)) {
            throw new Mistake(line(entry.getValueNode()), key + " is a single value, not a list or mapping");
        }
        return (String) value;
    }

    private static String key(NodeTuple entry) {
        if (!(entry.getKeyNode() instanceof ScalarNode scalar)) {
            throw new Mistake(line(entry.getKeyNode()), "a key is a plain name");
        }
        return scalar.getValue();
    }

    /** The node as text, lists and maps; null for a plain null, {@code ~} or nothing. */
    private static Object plain(Node node) {
        if (node instanceof ScalarNode scalar) {
            String value = scalar.getValue();
            boolean isNull = scalar.isPlain() && (value.isEmpty() || value.equals("~") || value.equalsIgnoreCase("null"));
            return isNull ? null : value;
        }
        if (node instanceof SequenceNode list) {
            List<Object> items = new ArrayList<>();
            list.getValue().forEach(item -> items.add(plain(item)));
            return items;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple entry : ((MappingNode) node).getValue()) {
            map.put(key(entry), plain(entry.getValueNode()));
        }
        return map;
    }

    /** "did you mean Event?" for a slip of one or two letters, else the names there are. */
    private static String hint(String given, Set<String> names) {
        return names.stream().filter(n -> distance(given.toLowerCase(), n.toLowerCase()) <= 2).findFirst()
                .map(n -> "did you mean " + n + "?")
                .orElse("known: " + String.join(", ", new TreeSet<>(names)));
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options);
        try {
            return yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new Mistake(line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new Mistake(0, "not valid YAML: " + e.getMessage());
        }
    }

    private static Set<String> messageFields() {
        BeanDescription model = Json.MAPPER.getDeserializationConfig()
                .introspect(Json.MAPPER.constructType(WeChatMessage.class));
        Set<String> names = new LinkedHashSet<>();
        for (BeanPropertyDefinition property : model.findProperties()) {
            names.add(property.getName());
            property.findAliases().stream().map(PropertyName::getSimpleName).forEach(names::add);
        }
        return Set.copyOf(names);
    }
}
