package io.wxgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's recipes, read out of README.md so that a test runs them exactly as an integrator copies them: a
 * fenced code block whose first line is {@code # recipe: NAME} (YAML) or {@code -- recipe: NAME} (SQL).
 */
public final class ReadmeRecipes {

    private static final Pattern FENCED = Pattern.compile("(?m)^```(\\w+)\\n(.*?)^```", Pattern.DOTALL);

    private ReadmeRecipes() {
    }

    /** The block of that language and name, whole, its marker line included (a comment in either language). */
    public static String block(String language, String name) {
        List<String> found = new ArrayList<>();
        Matcher m = FENCED.matcher(readme());
        while (m.find()) {
            String body = m.group(2);
            String first = body.lines().findFirst().orElse("");
            if (m.group(1).equals(language) && first.matches("(#|--) recipe: " + Pattern.quote(name))) {
                found.add(body);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("README.md should have one " + language + " block '" + name + "', has "
                    + found.size());
        }
        return found.get(0);
    }

    private static String readme() {
        try {
            return Files.readString(Path.of("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
