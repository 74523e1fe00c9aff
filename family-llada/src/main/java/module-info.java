/** The LLaDA model family (GSAI-ML LLaDA-8B Base/Instruct, LLaDA-1.5 checkpoints). */
module dev.dream4j.family.llada {
    requires dev.dream4j.spi;

    provides dev.dream4j.spi.model.ModelFamily with dev.dream4j.family.llada.LladaFamily;
}
