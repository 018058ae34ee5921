package io.wxgate.message;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One {@code <List>} entry of a subscribe-message event (wechat-protocol.md §2). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SubscribeMsgItem {

    @JsonProperty("TemplateId")
    private String templateId;

    /** {@code accept} or {@code reject}. */
    @JsonProperty("SubscribeStatusString")
    private String subscribeStatusString;

    /** 1 = H5 page, 2 = article. */
    @JsonProperty("PopupScene")
    private String popupScene;

    /** Capital ID, as on TEMPLATESENDJOBFINISH. */
    @JsonProperty("MsgID")
    private String msgId;

    /** 0 = delivered. */
    @JsonProperty("ErrorCode")
    private String errorCode;

    @JsonProperty("ErrorStatus")
    private String errorStatus;

    public SubscribeMsgItem() {
    }

    public String getTemplateId() {
        return templateId;
    }

    public void setTemplateId(String templateId) {
        this.templateId = templateId;
    }

    public String getSubscribeStatusString() {
        return subscribeStatusString;
    }

    public void setSubscribeStatusString(String subscribeStatusString) {
        this.subscribeStatusString = subscribeStatusString;
    }

    public String getPopupScene() {
        return popupScene;
    }

    public void setPopupScene(String popupScene) {
        this.popupScene = popupScene;
    }

    public String getMsgId() {
        return msgId;
    }

    public void setMsgId(String msgId) {
        this.msgId = msgId;
    }

    public String getErrorCode() {
        return errorCode;
    }

    public void setErrorCode(String errorCode) {
        this.errorCode = errorCode;
    }

    public String getErrorStatus() {
        return errorStatus;
    }

    public void setErrorStatus(String errorStatus) {
        this.errorStatus = errorStatus;
    }
}
