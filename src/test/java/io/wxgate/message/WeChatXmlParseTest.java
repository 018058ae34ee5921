package io.wxgate.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Binding of every message and event of wechat-protocol.md §2. */
class WeChatXmlParseTest {

    private final WeChatXml xml = new WeChatXml();

    private static String envelope(String body) {
        return "<xml><ToUserName><![CDATA[gh_3a1b9c0d7e2f]]></ToUserName>"
                + "<FromUserName><![CDATA[oQ7Rk5vZ3yLb-8xWn2PcTfJ0aDm4]]></FromUserName>"
                + "<CreateTime>1718000000</CreateTime>" + body + "</xml>";
    }

    @Test
    void textMessageKeepsChineseContentAnd64BitMsgId() {
        // given
        String body = envelope("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好，公众号！]]></Content>"
                + "<MsgId>24602935691055734</MsgId>");

        // when
        WeChatMessage msg = xml.parse(body);

        // then
        assertThat(msg.getToUserName()).isEqualTo("gh_3a1b9c0d7e2f");
        assertThat(msg.getFromUserName()).isEqualTo("oQ7Rk5vZ3yLb-8xWn2PcTfJ0aDm4");
        assertThat(msg.getCreateTime()).isEqualTo(1718000000L);
        assertThat(msg.getMsgType()).isEqualTo("text");
        assertThat(msg.getContent()).isEqualTo("你好，公众号！");
        assertThat(msg.getMsgId()).isEqualTo("24602935691055734");
        assertThat(msg.eventPush()).isFalse();
    }

    @Test
    void textMessageSentFromAnArticleCarriesMsgDataIdAndIdx() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[好文]]></Content>"
                + "<MsgId>24602935691055735</MsgId><MsgDataId>2247483650</MsgDataId><Idx>1</Idx>"));

        assertThat(msg.getMsgDataId()).isEqualTo("2247483650");
        assertThat(msg.getIdx()).isEqualTo("1");
    }

    @Test
    void maximal64BitMsgIdIsKeptExactly() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[text]]></MsgType><Content>x</Content>"
                + "<MsgId>9223372036854775807</MsgId>"));

        assertThat(msg.getMsgId()).isEqualTo("9223372036854775807");
    }

    @Test
    void plainTextWithPredefinedAndCharacterReferencesIsDecoded() {
        WeChatMessage msg = xml.parse(envelope("<MsgType>text</MsgType><Content>a &amp; b &lt;c&gt; &#20013;</Content>"));

        assertThat(msg.getContent()).isEqualTo("a & b <c> 中");
    }

    @Test
    void imageMessage() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[image]]></MsgType>"
                + "<PicUrl><![CDATA[http://mmbiz.qpic.cn/mmbiz_jpg/abc/0]]></PicUrl>"
                + "<MediaId><![CDATA[Jr2gk8pXq-media-1]]></MediaId><MsgId>24602935691055736</MsgId>"));

        assertThat(msg.getMsgType()).isEqualTo("image");
        assertThat(msg.getPicUrl()).isEqualTo("http://mmbiz.qpic.cn/mmbiz_jpg/abc/0");
        assertThat(msg.getMediaId()).isEqualTo("Jr2gk8pXq-media-1");
    }

    @Test
    void voiceMessageWithRecognition() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[voice]]></MsgType>"
                + "<MediaId><![CDATA[voice-media-2]]></MediaId><Format><![CDATA[amr]]></Format>"
                + "<Recognition><![CDATA[明天天气怎么样]]></Recognition><MsgId>24602935691055737</MsgId>"));

        assertThat(msg.getMediaId()).isEqualTo("voice-media-2");
        assertThat(msg.getFormat()).isEqualTo("amr");
        assertThat(msg.getRecognition()).isEqualTo("明天天气怎么样");
    }

    @Test
    void videoMessage() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[video]]></MsgType>"
                + "<MediaId><![CDATA[video-media-3]]></MediaId><ThumbMediaId><![CDATA[thumb-3]]></ThumbMediaId>"
                + "<MsgId>24602935691055738</MsgId>"));

        assertThat(msg.getMsgType()).isEqualTo("video");
        assertThat(msg.getMediaId()).isEqualTo("video-media-3");
        assertThat(msg.getThumbMediaId()).isEqualTo("thumb-3");
    }

    @Test
    void shortVideoMessage() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[shortvideo]]></MsgType>"
                + "<MediaId><![CDATA[short-media-4]]></MediaId><ThumbMediaId><![CDATA[thumb-4]]></ThumbMediaId>"
                + "<MsgId>24602935691055739</MsgId>"));

        assertThat(msg.getMsgType()).isEqualTo("shortvideo");
        assertThat(msg.getMediaId()).isEqualTo("short-media-4");
        assertThat(msg.getThumbMediaId()).isEqualTo("thumb-4");
    }

    @Test
    void locationMessageMapsLocationXAndY() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[location]]></MsgType>"
                + "<Location_X>39.908823</Location_X><Location_Y>116.397470</Location_Y><Scale>15</Scale>"
                + "<Label><![CDATA[北京市东城区天安门广场]]></Label><MsgId>24602935691055740</MsgId>"));

        assertThat(msg.getLocationX()).isEqualTo("39.908823");
        assertThat(msg.getLocationY()).isEqualTo("116.397470");
        assertThat(msg.getScale()).isEqualTo("15");
        assertThat(msg.getLabel()).isEqualTo("北京市东城区天安门广场");
    }

    @Test
    void linkMessage() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[link]]></MsgType>"
                + "<Title><![CDATA[公司简介]]></Title><Description><![CDATA[了解我们]]></Description>"
                + "<Url><![CDATA[https://example.com/about?a=1&b=2]]></Url><MsgId>24602935691055741</MsgId>"));

        assertThat(msg.getTitle()).isEqualTo("公司简介");
        assertThat(msg.getDescription()).isEqualTo("了解我们");
        assertThat(msg.getUrl()).isEqualTo("https://example.com/about?a=1&b=2");
    }

    @Test
    void subscribeFromParameterQrCodeCarriesQrscenePrefixAndTicket() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>"
                + "<EventKey><![CDATA[qrscene_campaign42]]></EventKey>"
                + "<Ticket><![CDATA[gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2lVTW]]></Ticket>"));

        assertThat(msg.eventPush()).isTrue();
        assertThat(msg.getEvent()).isEqualTo("subscribe");
        assertThat(msg.getEventKey()).isEqualTo("qrscene_campaign42");
        assertThat(msg.getTicket()).startsWith("gQH47joAAAAA");
        assertThat(msg.getMsgId()).isNull();
    }

    @Test
    void unsubscribeEventWithEmptyEventKey() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[unsubscribe]]></Event><EventKey><![CDATA[]]></EventKey>"));

        assertThat(msg.eventPush()).isTrue();
        assertThat(msg.getEvent()).isEqualTo("unsubscribe");
        assertThat(msg.getEventKey()).isEmpty();
    }

    @Test
    void scanEventHasSceneWithoutPrefix() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event>"
                + "<EventKey><![CDATA[campaign42]]></EventKey><Ticket><![CDATA[gQH47joAAAAA]]></Ticket>"));

        assertThat(msg.getEvent()).isEqualTo("SCAN");
        assertThat(msg.getEventKey()).isEqualTo("campaign42");
        assertThat(msg.getTicket()).isEqualTo("gQH47joAAAAA");
    }

    @Test
    void locationEvent() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event>"
                + "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>"));

        assertThat(msg.getEvent()).isEqualTo("LOCATION");
        assertThat(msg.getLatitude()).isEqualTo("23.137466");
        assertThat(msg.getLongitude()).isEqualTo("113.352425");
        assertThat(msg.getPrecision()).isEqualTo("119.385040");
    }

    @Test
    void clickMenuEvent() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>"
                + "<EventKey><![CDATA[V1001_TODAY_NEWS]]></EventKey>"));

        assertThat(msg.getEvent()).isEqualTo("CLICK");
        assertThat(msg.getEventKey()).isEqualTo("V1001_TODAY_NEWS");
    }

    @Test
    void viewMenuEventWithMenuId() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[VIEW]]></Event>"
                + "<EventKey><![CDATA[https://example.com/shop]]></EventKey><MenuId>418376452</MenuId>"));

        assertThat(msg.getEvent()).isEqualTo("VIEW");
        assertThat(msg.getEventKey()).isEqualTo("https://example.com/shop");
        assertThat(msg.getMenuId()).isEqualTo("418376452");
    }

    @Test
    void menuIdSpelledMenuIDAsInTheDocTableIsAccepted() {
        WeChatMessage msg = xml.parse(envelope("<MsgType>event</MsgType><Event>VIEW</Event><MenuID>418376452</MenuID>"));

        assertThat(msg.getMenuId()).isEqualTo("418376452");
    }

    @Test
    void templateSendJobFinishKeepsCapitalMsgIdApartFromMsgId() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>3147483652</MsgID>"
                + "<Status><![CDATA[failed:user block]]></Status>"));

        assertThat(msg.getEvent()).isEqualTo("TEMPLATESENDJOBFINISH");
        assertThat(msg.getTemplateMsgId()).isEqualTo("3147483652");
        assertThat(msg.getMsgId()).isNull();
        assertThat(msg.getStatus()).isEqualTo("failed:user block");
    }

    @Test
    void msgIdAndMsgIDInOneBodyGoToTheirOwnFields() {
        WeChatMessage msg = xml.parse(envelope("<MsgType>event</MsgType><MsgId>111</MsgId><MsgID>222</MsgID>"));

        assertThat(msg.getMsgId()).isEqualTo("111");
        assertThat(msg.getTemplateMsgId()).isEqualTo("222");
    }

    @Test
    void subscribeMsgPopupEventWithTwoListItems() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent>"
                + "<List><TemplateId><![CDATA[tpl-accepted-1]]></TemplateId>"
                + "<SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List>"
                + "<List><TemplateId><![CDATA[tpl-rejected-2]]></TemplateId>"
                + "<SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List>"
                + "</SubscribeMsgPopupEvent>"));

        assertThat(msg.getEvent()).isEqualTo("subscribe_msg_popup_event");
        assertThat(msg.getSubscribeMsgPopupEvent().getItems())
                .extracting(SubscribeMsgItem::getTemplateId, SubscribeMsgItem::getSubscribeStatusString,
                        SubscribeMsgItem::getPopupScene)
                .containsExactly(
                        tuple("tpl-accepted-1", "accept", "2"),
                        tuple("tpl-rejected-2", "reject", "2"));
    }

    @Test
    void subscribeMsgChangeEventWithOneListItemIsAListOfOne() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[subscribe_msg_change_event]]></Event><SubscribeMsgChangeEvent>"
                + "<List><TemplateId><![CDATA[tpl-accepted-1]]></TemplateId>"
                + "<SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List>"
                + "</SubscribeMsgChangeEvent>"));

        assertThat(msg.getSubscribeMsgChangeEvent().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getTemplateId()).isEqualTo("tpl-accepted-1");
            assertThat(item.getSubscribeStatusString()).isEqualTo("reject");
        });
    }

    @Test
    void subscribeMsgSentEventCarriesMsgIdAndErrorCode() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent>"
                + "<List><TemplateId><![CDATA[tpl-accepted-1]]></TemplateId><MsgID>1700827132819554304</MsgID>"
                + "<ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List>"
                + "</SubscribeMsgSentEvent>"));

        assertThat(msg.getSubscribeMsgSentEvent().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getTemplateId()).isEqualTo("tpl-accepted-1");
            assertThat(item.getMsgId()).isEqualTo("1700827132819554304");
            assertThat(item.getErrorCode()).isEqualTo("0");
            assertThat(item.getErrorStatus()).isEqualTo("success");
        });
        assertThat(msg.getTemplateMsgId()).isNull();
    }

    @Test
    void unknownMsgTypeAndUnknownNestedElementsAreTolerated() {
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[miniprogrampage]]></MsgType>"
                + "<AppId><![CDATA[wx0123456789abcdef]]></AppId>"
                + "<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>"
                + "<Title><![CDATA[小程序]]></Title><MsgId>24602935691055742</MsgId>"));

        assertThat(msg.getMsgType()).isEqualTo("miniprogrampage");
        assertThat(msg.getTitle()).isEqualTo("小程序");
        assertThat(msg.getMsgId()).isEqualTo("24602935691055742");
    }

    @Test
    void safeModeEnvelopeHasOnlyToUserNameAndEncrypt() {
        WeChatMessage msg = xml.parse("<xml><ToUserName><![CDATA[gh_3a1b9c0d7e2f]]></ToUserName>"
                + "<Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87w==]]></Encrypt></xml>");

        assertThat(msg.getToUserName()).isEqualTo("gh_3a1b9c0d7e2f");
        assertThat(msg.getEncrypt()).startsWith("hyzAe4OzmOMbd6TvGdIO").endsWith("==");
        assertThat(msg.getMsgType()).isNull();
        assertThat(msg.eventPush()).isFalse();
    }

    @Test
    void doctypeInsideCdataTextIsUserTextAndKeptVerbatim() {
        String text = "<!DOCTYPE x> <!ENTITY y \"z\"> &y;";
        WeChatMessage msg = xml.parse(envelope("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + text
                + "]]></Content><MsgId>24602935691055743</MsgId>"));

        assertThat(msg.getContent()).isEqualTo(text);
    }

    @Test
    void xmlDeclarationLineBreaksAndTrailingNewlineAreAccepted() {
        WeChatMessage msg = xml.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
                + "<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n"
                + "<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>\n");

        assertThat(msg.getContent()).isEqualTo("abcdteT");
        assertThat(msg.getMsgId()).isEqualTo("6054768590064713728");
    }

    @Test
    void forwardedJsonUsesWeChatNamesAndOmitsAbsentFields() {
        // given: the gateway forwards with a plain Jackson ObjectMapper (Camel's jackson data format)
        WeChatMessage msg = xml.parse(envelope("<MsgType>event</MsgType><Event>subscribe_msg_change_event</Event>"
                + "<SubscribeMsgChangeEvent><List><TemplateId>tpl-1</TemplateId>"
                + "<SubscribeStatusString>reject</SubscribeStatusString></List></SubscribeMsgChangeEvent>"));

        // when
        JsonNode json = new ObjectMapper().valueToTree(msg);

        // then
        assertThat(json.get("ToUserName").asText()).isEqualTo("gh_3a1b9c0d7e2f");
        assertThat(json.get("CreateTime").asLong()).isEqualTo(1718000000L);
        assertThat(json.get("Event").asText()).isEqualTo("subscribe_msg_change_event");
        assertThat(json.get("SubscribeMsgChangeEvent").get("List").get(0).get("TemplateId").asText()).isEqualTo("tpl-1");
        assertThat(json.has("event")).as("eventPush() is not a property").isFalse();
        assertThat(json.has("Content")).as("null fields are left out").isFalse();
    }

    @Test
    void forwardedJsonReadsBackIntoTheSameMessage() throws Exception {
        WeChatMessage msg = xml.parse(envelope("<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event>"
                + "<MsgID>3147483652</MsgID><Status>success</Status>"));
        ObjectMapper json = new ObjectMapper();

        WeChatMessage copy = json.readValue(json.writeValueAsString(msg), WeChatMessage.class);

        assertThat(copy).usingRecursiveComparison().isEqualTo(msg);
    }
}
