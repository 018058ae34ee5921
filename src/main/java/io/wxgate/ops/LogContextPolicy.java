package io.wxgate.ops;

import java.util.function.Function;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Camel's policy EIP around a part of a route: every line logged while that part runs, by our code or by a
 * library, carries the exchange's message or send id ({@link LogContext}). The part runs synchronously on the
 * thread that entered it, which the scope is bound to; a step that continues on another thread (an asynchronous
 * redelivery) logs there without the id, while this thread waits for it.
 */
public final class LogContextPolicy implements Policy {

    private final String key;
    private final Function<Exchange, String> id;

    private LogContextPolicy(String key, Function<Exchange, String> id) {
        this.key = key;
        this.id = id;
    }

    public static LogContextPolicy message(Function<Exchange, String> msgId) {
        return new LogContextPolicy(LogContext.MSG_ID, msgId);
    }

    public static LogContextPolicy send(Function<Exchange, String> sendId) {
        return new LogContextPolicy(LogContext.SEND_ID, sendId);
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new DelegateAsyncProcessor(processor) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                // Camel's reactive engine would run the wrapped steps after this method returned, outside the
                // scope; the synchronous call runs them on this thread before it returns, as Camel's transacted
                // policy does.
                try (LogContext context = LogContext.open(key, id.apply(exchange))) {
                    processor.process(exchange);
                } catch (Exception e) {
                    exchange.setException(e);
                }
                callback.done(true);
                return true;
            }
        };
    }
}
