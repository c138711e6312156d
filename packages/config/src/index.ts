export {
  baseConfig,
  ConfigError,
  childEnv,
  type Env,
  findDotenv,
  loadConfig,
  loadConfigOrExit,
  parseConfig,
  readEnv,
  resetConfigCache,
} from './load';
export {
  type ApiConfig,
  type AudioConfig,
  type BaseConfig,
  type ConfigName,
  type ConfigOf,
  envNames,
  type FullConfig,
  type ScraperConfig,
  schemas,
  type UploaderConfig,
} from './schema';
