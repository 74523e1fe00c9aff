/**
 * Infill strategies: {@code dreamon} (DreamOn expand/delete, Hugging Face loop, default), {@code dreamon-eval} (the
 * published evaluation loop) and {@code fixed} (fixed-length masks for Dream and Dream-Coder).
 */
package dev.dream4j.infill.dreamon;
