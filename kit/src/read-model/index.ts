export { GenerationDb, readModelFiles, currentGeneration, ensureReadModel, migrateGeneration, schemaOf, type Generation, type ReadModelDefinition } from './generations';
export { rebuildReadModel, type RebuildOptions, type RebuildResult } from './rebuild';
export { measuredProjection } from './metrics';
export { ChangeCache, changeChannel } from './change-cache';
