package io.wxgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listing sends through the API: filters, pages, the keys' scopes and the refusal of bad parameters. */
class SendListApiTest extends GatewayTest {

    private static final String TEMPLATE = "/cgi-bin/message/template/send";
    private static final String SECOND = "/api/v1/accounts/" + SECOND_APP_ID;

    private final ApiClient api = new ApiClient(PORT, API_KEY);
    private final ApiClient second = api.withKey(SECOND_API_KEY);
    /** Other test classes share this gateway and its store: every listing here starts at this test's own start. */
    private String since;

    @BeforeEach
    void freshWeChat() throws InterruptedException {
        resetWeChat();
        since = URLEncoder.encode(Instant.now().toString(), StandardCharsets.UTF_8);
        Thread.sleep(2);
    }

    private static String template(String user) {
        return "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-order\",\"data\":{\"k\":{\"value\":\"v\"}}}";
    }

    private String send(String base, String status) {
        HttpResponse<String> accepted = api.post(base + "/template-messages", template(Samples.user()));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = ApiClient.json(accepted).get("id").asText();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                status.equals(ApiClient.json(api.get("/api/v1/template-messages/" + id)).path("status").asText()));
        return id;
    }

    private static List<String> ids(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return ApiClient.json(answer).get("sends").findValuesAsText("id");
    }

    @Test
    void sendsAreListedNewestFirstAPageAtATimeAndFilteredByStatusAndAccount() {
        SIMULATOR.failNext(TEMPLATE, 1, 40003);
        String failed = send("/api/v1", "failed");
        List<String> accepted = new ArrayList<>(List.of(failed));
        for (int i = 0; i < 3; i++) {
            accepted.add(send("/api/v1", "sent"));
        }
        String secondA = send(SECOND, "sent");
        String secondB = send(SECOND, "sent");
        accepted.add(secondA);
        accepted.add(secondB);

        List<String> walked = new ArrayList<>();
        String query = "/api/v1/sends?limit=4&from=" + since;
        JsonNode page;
        int pages = 0;
        do {
            page = ApiClient.json(api.get(query));
            page.get("sends").forEach(s -> walked.add(s.get("id").asText()));
            query = "/api/v1/sends?limit=4&from=" + since + "&cursor=" + page.path("next").asText();
            pages++;
        } while (!page.get("next").isNull() && pages < 5);

        assertThat(pages).isEqualTo(2);
        Collections.reverse(accepted);
        assertThat(walked).containsExactlyElementsOf(accepted);
        JsonNode newest = ApiClient.json(api.get("/api/v1/sends?limit=1&from=" + since)).get("sends").get(0);
        assertThat(newest.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "appid", "api", "status", "msgid",
                "errcode", "errmsg", "attempts", "createdAt", "updatedAt");
        assertThat(newest.get("appid").asText()).isEqualTo(SECOND_APP_ID);
        assertThat(newest.get("api").asText()).isEqualTo("template");
        assertThat(ids(api.get("/api/v1/sends?status=failed&from=" + since))).containsExactly(failed);
        assertThat(ids(api.get("/api/v1/sends?status=sent&appid=" + SECOND_APP_ID + "&from=" + since)))
                .containsExactly(secondB, secondA);
        assertThat(ids(api.get(SECOND + "/sends?api=template&from=" + since))).containsExactly(secondB, secondA);
        assertThat(ids(api.get("/api/v1/sends?api=custom&from=" + since))).isEmpty();
        assertThat(ids(api.get("/api/v1/sends?limit=500&to=" + since))).as("accepted before the test")
                .doesNotContainAnyElementsOf(accepted);
    }

    @Test
    void anAccountsKeyListsOnlyItsOwnAccountsSends() {
        String mine = send(SECOND, "sent");
        String theirs = send("/api/v1", "sent");

        assertThat(ids(second.get("/api/v1/sends?from=" + since))).containsExactly(mine);
        assertThat(ids(second.get(SECOND + "/sends?from=" + since))).containsExactly(mine);
        assertThat(ids(api.get("/api/v1/sends?from=" + since))).containsExactly(theirs, mine);
        assertThat(second.get("/api/v1/sends?appid=" + APP_ID).statusCode()).isEqualTo(403);
        assertThat(second.get("/api/v1/accounts/" + APP_ID + "/sends").statusCode()).isEqualTo(403);
        assertThat(api.withKey(null).get("/api/v1/sends").statusCode()).isEqualTo(401);
        HttpResponse<String> contradiction = api.get(SECOND + "/sends?appid=" + APP_ID);
        assertThat(contradiction.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(contradiction).get("field").asText()).isEqualTo("appid");
    }

    @Test
    void aBadParameterIs400NamingIt() {
        Map<String, String> refused = Map.ofEntries(
                Map.entry("status=lost", "status"),
                Map.entry("api=email", "api"),
                Map.entry("appid=wx%20bad", "appid"),
                Map.entry("from=yesterday", "from"),
                Map.entry("to=2026-11-25", "to"),
                Map.entry("from=2026-11-25T10:00:00Z&to=2026-11-25T09:00:00Z", "from"),
                Map.entry("limit=0", "limit"),
                Map.entry("limit=501", "limit"),
                Map.entry("limit=ten", "limit"),
                Map.entry("cursor=not-a-cursor", "cursor"),
                Map.entry("stauts=failed", "stauts"),
                Map.entry("status=sent&status=failed", "status"));
        refused.forEach((query, field) -> {
            HttpResponse<String> answer = api.get("/api/v1/sends?" + query);
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            JsonNode body = ApiClient.json(answer);
            assertThat(body.get("field").asText()).as(query).isEqualTo(field);
            assertThat(body.get("error").asText()).as(query).contains(field);
        });
        assertThat(api.get("/api/v1/sends?limit=500&status=delivered&from=2026-11-25T08:00:00%2B08:00").statusCode())
                .isEqualTo(200);
    }
}
