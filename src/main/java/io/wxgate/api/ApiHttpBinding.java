package io.wxgate.api;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Message;
import org.apache.camel.component.jetty.JettyHttpEndpoint;
import org.apache.camel.component.jetty.JettyRestHttpBinding;
import org.apache.camel.http.base.HttpHelper;

/**
 * camel-jetty's REST binding, except that a multipart/form-data body is not parsed into parts. The REST binding
 * reads the body, then asks the servlet request for its parameters, and with the multipart config camel-jetty
 * registers, that parses the (by then read) body again as parts: a media upload failed with "bad multipart". The
 * WeChat proxy passes a media upload on byte for byte (SPEC §8), and no other API path takes multipart (they answer
 * 415), so such a request gets only what the REST binding adds besides: the path's {placeholders} as headers. (The
 * REST endpoints also leave camel-jetty's multipart filter off, which would parse the parts before the binding.)
 */
final class ApiHttpBinding extends JettyRestHttpBinding {

    @SuppressWarnings("deprecation")
    ApiHttpBinding() {
        // The endpoint's settings the other constructor copies are the binding's defaults on every API endpoint.
        super();
    }

    @Override
    protected void populateRequestParameters(HttpServletRequest request, Message message) {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            super.populateRequestParameters(request, message);
            return;
        }
        String path = request.getPathInfo();
        String consumerPath = ((JettyHttpEndpoint) message.getExchange().getFromEndpoint()).getPath();
        if (path != null && consumerPath.indexOf('{') > -1) {
            HttpHelper.evalPlaceholders(message.getHeaders(), path, consumerPath);
        }
    }
}
