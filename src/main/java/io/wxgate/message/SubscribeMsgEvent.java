package io.wxgate.message;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * Body of {@code <SubscribeMsgPopupEvent>}, {@code <SubscribeMsgChangeEvent>} and
 * {@code <SubscribeMsgSentEvent>} (wechat-protocol.md §2): one {@code <List>} element per
 * template, repeated directly, without a wrapping element.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SubscribeMsgEvent {

    // @JsonProperty names the JSON field for the plain ObjectMapper that forwards messages;
    // the XML annotations make repeated <List> siblings one list, also when there is only one.
    @JsonProperty("List")
    @JacksonXmlElementWrapper(useWrapping = false)
    @JacksonXmlProperty(localName = "List")
    private List<SubscribeMsgItem> items = new ArrayList<>();

    public SubscribeMsgEvent() {
    }

    public List<SubscribeMsgItem> getItems() {
        return items;
    }

    public void setItems(List<SubscribeMsgItem> items) {
        this.items = items;
    }
}
