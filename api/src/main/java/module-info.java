/**
 * What applications compile against: the {@link dev.dream4j.Dream4j} entry point, the model interface and its
 * values. Knows no other dream4j module; the runtime is found with {@link java.util.ServiceLoader}.
 */
module dev.dream4j.api {
    exports dev.dream4j;
    exports dev.dream4j.api;
    exports dev.dream4j.api.provider;

    uses dev.dream4j.api.provider.Dream4jProvider;
}
