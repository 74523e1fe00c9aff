/**
 * An application using dream4j on the module path: it reads the API module alone; the kernel is bound as the API's
 * {@code Dream4jProvider} and the plug-ins through the kernel's {@code uses}, all by service binding.
 */
module com.example.embedding {
    requires dev.dream4j.api;
    requires dev.dream4j.demo;
}
