package io.wxgate.message;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * Any inbound WeChat message or event (wechat-protocol.md §2), including the safe-mode envelope
 * that carries only ToUserName and Encrypt.
 *
 * <p>One flat class instead of a type per MsgType: WeChat sends a flat {@code <xml>} whose
 * elements depend on MsgType/Event, and the gateway forwards it as JSON. Every property is named
 * with {@link JsonProperty} after WeChat's element, so XML and the forwarded JSON use the same
 * names. Names are case-sensitive: {@code MsgId} (message id) and {@code MsgID} (template message
 * id) are different fields. Unknown elements are ignored, as §2 asks, so new WeChat fields do not
 * break parsing. Numbers other than CreateTime stay text: they are only passed on.
 */
@JacksonXmlRootElement(localName = "xml")
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WeChatMessage {

    /** Official account original id ({@code gh_…}) on inbound messages. */
    @JsonProperty("ToUserName")
    private String toUserName;

    /** Sender openid. */
    @JsonProperty("FromUserName")
    private String fromUserName;

    /** Unix seconds. */
    @JsonProperty("CreateTime")
    private Long createTime;

    @JsonProperty("MsgType")
    private String msgType;

    /** 64-bit id, kept as text so no JSON consumer loses precision (§2). */
    @JsonProperty("MsgId")
    private String msgId;

    /** Set when the message was sent from an article (§2). */
    @JsonProperty("MsgDataId")
    private String msgDataId;

    /** Article index, with MsgDataId. */
    @JsonProperty("Idx")
    private String idx;

    @JsonProperty("Content")
    private String content;

    @JsonProperty("PicUrl")
    private String picUrl;

    @JsonProperty("MediaId")
    private String mediaId;

    /** Voice format, e.g. amr. */
    @JsonProperty("Format")
    private String format;

    /** Voice recognition text, only when ASR is switched on (§2). */
    @JsonProperty("Recognition")
    private String recognition;

    @JsonProperty("ThumbMediaId")
    private String thumbMediaId;

    /** Latitude of a location message. */
    @JsonProperty("Location_X")
    private String locationX;

    /** Longitude of a location message. */
    @JsonProperty("Location_Y")
    private String locationY;

    @JsonProperty("Scale")
    private String scale;

    @JsonProperty("Label")
    private String label;

    @JsonProperty("Title")
    private String title;

    @JsonProperty("Description")
    private String description;

    @JsonProperty("Url")
    private String url;

    @JsonProperty("Event")
    private String event;

    /** {@code qrscene_<scene>} on subscribe from a parameter QR, bare scene on SCAN, key or URL on menu events (§2). */
    @JsonProperty("EventKey")
    private String eventKey;

    @JsonProperty("Ticket")
    private String ticket;

    @JsonProperty("Latitude")
    private String latitude;

    @JsonProperty("Longitude")
    private String longitude;

    @JsonProperty("Precision")
    private String precision;

    @JsonProperty("MenuId")
    @JsonAlias("MenuID") // §2: VIEW sends MenuId, the doc's table spells MenuID
    private String menuId;

    /** Template {@code msgid} on TEMPLATESENDJOBFINISH (capital ID, §2), distinct from MsgId. */
    @JsonProperty("MsgID")
    private String templateMsgId;

    /** TEMPLATESENDJOBFINISH result, e.g. {@code success} or {@code failed:user block}. */
    @JsonProperty("Status")
    private String status;

    /** Ciphertext in safe and compatible mode (§2, §5). */
    @JsonProperty("Encrypt")
    private String encrypt;

    @JsonProperty("SubscribeMsgPopupEvent")
    private SubscribeMsgEvent subscribeMsgPopupEvent;

    @JsonProperty("SubscribeMsgChangeEvent")
    private SubscribeMsgEvent subscribeMsgChangeEvent;

    @JsonProperty("SubscribeMsgSentEvent")
    private SubscribeMsgEvent subscribeMsgSentEvent;

    public WeChatMessage() {
    }

    /**
     * True for {@code MsgType=event}; events carry no MsgId (§2, §3 dedupe). Not named isEvent(): Camel's Simple
     * language would then resolve {@code ${body.event}} to this boolean instead of the Event field.
     */
    @JsonIgnore
    public boolean eventPush() {
        return "event".equals(msgType);
    }

    public String getToUserName() {
        return toUserName;
    }

    public void setToUserName(String toUserName) {
        this.toUserName = toUserName;
    }

    public String getFromUserName() {
        return fromUserName;
    }

    public void setFromUserName(String fromUserName) {
        this.fromUserName = fromUserName;
    }

    public Long getCreateTime() {
        return createTime;
    }

    public void setCreateTime(Long createTime) {
        this.createTime = createTime;
    }

    public String getMsgType() {
        return msgType;
    }

    public void setMsgType(String msgType) {
        this.msgType = msgType;
    }

    public String getMsgId() {
        return msgId;
    }

    public void setMsgId(String msgId) {
        this.msgId = msgId;
    }

    public String getMsgDataId() {
        return msgDataId;
    }

    public void setMsgDataId(String msgDataId) {
        this.msgDataId = msgDataId;
    }

    public String getIdx() {
        return idx;
    }

    public void setIdx(String idx) {
        this.idx = idx;
    }

    public String getContent() {
        return content;
    }

    public void setContent(String content) {
        this.content = content;
    }

    public String getPicUrl() {
        return picUrl;
    }

    public void setPicUrl(String picUrl) {
        this.picUrl = picUrl;
    }

    public String getMediaId() {
        return mediaId;
    }

    public void setMediaId(String mediaId) {
        this.mediaId = mediaId;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public String getRecognition() {
        return recognition;
    }

    public void setRecognition(String recognition) {
        this.recognition = recognition;
    }

    public String getThumbMediaId() {
        return thumbMediaId;
    }

    public void setThumbMediaId(String thumbMediaId) {
        this.thumbMediaId = thumbMediaId;
    }

    public String getLocationX() {
        return locationX;
    }

    public void setLocationX(String locationX) {
        this.locationX = locationX;
    }

    public String getLocationY() {
        return locationY;
    }

    public void setLocationY(String locationY) {
        this.locationY = locationY;
    }

    public String getScale() {
        return scale;
    }

    public void setScale(String scale) {
        this.scale = scale;
    }

    public String getLabel() {
        return label;
    }

    public void setLabel(String label) {
        this.label = label;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getEvent() {
        return event;
    }

    public void setEvent(String event) {
        this.event = event;
    }

    public String getEventKey() {
        return eventKey;
    }

    public void setEventKey(String eventKey) {
        this.eventKey = eventKey;
    }

    public String getTicket() {
        return ticket;
    }

    public void setTicket(String ticket) {
        this.ticket = ticket;
    }

    public String getLatitude() {
        return latitude;
    }

    public void setLatitude(String latitude) {
        this.latitude = latitude;
    }

    public String getLongitude() {
        return longitude;
    }

    public void setLongitude(String longitude) {
        this.longitude = longitude;
    }

    public String getPrecision() {
        return precision;
    }

    public void setPrecision(String precision) {
        this.precision = precision;
    }

    public String getMenuId() {
        return menuId;
    }

    public void setMenuId(String menuId) {
        this.menuId = menuId;
    }

    public String getTemplateMsgId() {
        return templateMsgId;
    }

    public void setTemplateMsgId(String templateMsgId) {
        this.templateMsgId = templateMsgId;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getEncrypt() {
        return encrypt;
    }

    public void setEncrypt(String encrypt) {
        this.encrypt = encrypt;
    }

    public SubscribeMsgEvent getSubscribeMsgPopupEvent() {
        return subscribeMsgPopupEvent;
    }

    public void setSubscribeMsgPopupEvent(SubscribeMsgEvent subscribeMsgPopupEvent) {
        this.subscribeMsgPopupEvent = subscribeMsgPopupEvent;
    }

    public SubscribeMsgEvent getSubscribeMsgChangeEvent() {
        return subscribeMsgChangeEvent;
    }

    public void setSubscribeMsgChangeEvent(SubscribeMsgEvent subscribeMsgChangeEvent) {
        this.subscribeMsgChangeEvent = subscribeMsgChangeEvent;
    }

    public SubscribeMsgEvent getSubscribeMsgSentEvent() {
        return subscribeMsgSentEvent;
    }

    public void setSubscribeMsgSentEvent(SubscribeMsgEvent subscribeMsgSentEvent) {
        this.subscribeMsgSentEvent = subscribeMsgSentEvent;
    }
}
