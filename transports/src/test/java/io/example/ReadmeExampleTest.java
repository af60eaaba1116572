package io.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's simulation example is {@link ShoutTest}, word for word, so it compiles and runs with every build. */
class ReadmeExampleTest {

    @Test
    void theReadmeShowsShoutTestAsItIs() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        String test = Files.readString(Path.of("src/test/java/io/example/ShoutTest.java"));
        assertTrue(readme.contains("```java\n" + test + "```\n"), "README.md must show ShoutTest.java exactly");
    }
}
