package io.wxgate.check;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a JSON document contains what an example expects of it: every key given, with its value; keys not given
 * are not compared. Values compare as text ({@code CreateTime: 1700000000} equals the number), lists item by item,
 * and an expected {@code null} means "absent or null".
 */
final class JsonSubset {

    private JsonSubset() {
    }

    /**
     * @param path     where in the document, for the message ({@code Content}, {@code SubscribeMsgPopupEvent.List[0]})
     * @param expected text, a list or a map, as read from the examples file
     * @return the first difference as a sentence, or null when the document contains the expected
     */
    static String difference(String path, Object expected, JsonNode actual) {
        boolean absent = actual == null || actual.isNull() || actual.isMissingNode();
        String where = path.isEmpty() ? "the JSON" : "JSON " + path;
        if (expected == null) {
            return absent ? null : "expected no " + where + " but got " + actual;
        }
        if (absent) {
            return "expected " + where + " " + shown(expected) + " but it is missing";
        }
        if (expected instanceof Map<?, ?> map) {
            if (!actual.isObject()) {
                return "expected " + where + " to be an object but got " + actual;
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String difference = difference(path.isEmpty() ? key : path + "." + key, entry.getValue(), actual.get(key));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (expected instanceof List<?> list) {
            if (!actual.isArray() || actual.size() != list.size()) {
                return "expected " + where + " to be a list of " + list.size() + " but got " + actual;
            }
            for (int i = 0; i < list.size(); i++) {
                String difference = difference(path + "[" + i + "]", list.get(i), actual.get(i));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        String got = actual.isValueNode() ? actual.asText() : actual.toString();
        return expected.toString().equals(got) ? null
                : "expected " + where + " " + shown(expected) + " but got " + ExampleRun.quote(got);
    }

    private static String shown(Object expected) {
        return expected instanceof String text ? ExampleRun.quote(text) : String.valueOf(expected);
    }
}
