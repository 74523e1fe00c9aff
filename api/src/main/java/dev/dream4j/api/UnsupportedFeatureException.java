package dev.dream4j.api;

/** A plug-in was asked for a feature it declares it does not have. */
public class UnsupportedFeatureException extends Dream4jException {
    private final String feature;

    public UnsupportedFeatureException(String feature, String message) {
        super(feature + ": " + message);
        this.feature = feature;
    }

    public String feature() {
        return feature;
    }
}
