/** An application using dream4j on the module path: the plug-ins are bound through the kernel's {@code uses}. */
module com.example.embedding {
    requires dev.dream4j.kernel;
    requires dev.dream4j.demo;
}
