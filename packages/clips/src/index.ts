export {
  FEATURES,
  type FeatureName,
  HOOK_WEIGHTS,
  type TimedSegment,
  type WeightName,
  type Weights,
  type WindowFeatures,
} from './features';
export {
  CLIP_MAX_SEC,
  CLIP_MIN_SEC,
  type ClipRequest,
  clipRequestSchema,
  lengthBounds,
  PLATFORM_PRESETS,
  PLATFORMS,
  type Platform,
  type PlatformPreset,
} from './presets';
export {
  type ClipFeatureExplanation,
  ClipSelectionError,
  type Confidence,
  type SelectClipsInput,
  type SelectedClip,
  selectClips,
} from './select';
export { type HookKind, hookKind } from './text';
export {
  type ClipFeedback,
  DEFAULT_WEIGHTS,
  type FeedbackType,
  feedbackSignal,
  LEARNING_RATE,
  learnWeights,
  WEIGHT_RANGE,
} from './weights';
