package io.wxgate.config;

import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The YAML files operators write beside {@code application.yaml} (the accounts file, menu files), read safely: every
 * scalar is text (with YAML's implicit types a Token {@code 0123} would become the octal number 83 and a menu key
 * {@code 1e3} a float), object tags are refused (safe constructor), aliases are capped (no "billion laughs"), a key
 * given twice is an error rather than the last one winning, and a problem is reported by line and column with
 * SnakeYAML's description only, never its snippet of the line (it may hold a secret).
 */
public final class TextYaml {

    private TextYaml() {
    }

    /**
     * Lists, maps, strings and nulls.
     *
     * @throws IllegalArgumentException naming {@code source} and where the problem is
     */
    public static Object load(String text, String source, int maxCodePoints) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(maxCodePoints);
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options, new TextOnlyResolver());
        try {
            return yaml.load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            throw new IllegalArgumentException(source + ": not valid YAML"
                    + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
                    + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new IllegalArgumentException(source + ": not valid YAML");
        }
    }

    /** Resolves no implicit types: every plain scalar stays text, {@code ~}/empty stay null. */
    private static final class TextOnlyResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL| )$"), "~nN\0");
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
        }
    }
}
