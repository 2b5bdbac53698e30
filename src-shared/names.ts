/**
 * Channel and event names alone, with no schemas: the preload imports these, so it stays small.
 * contract.ts and events.ts are typed against these lists, so the compiler keeps them in step.
 */
export const CHANNEL_NAMES = [
  'app:info',
  'app:ping',
  'app:echo-bytes',
  'app:pick-folder',
  'dataset:open',
  'dataset:current',
  'dataset:images',
  'dataset:thumbnail',
  'dataset:image',
  'dataset:gt',
  'project:create',
  'project:open',
  'project:current',
  'project:set-review',
  'project:review',
  'mask:load',
  'mask:save',
  'mask:revisions',
  'mask:revert',
  'mask:import',
  'export:run',
  'training:presets',
  'training:start',
  'training:control',
  'training:status',
  'training:runs',
  'training:run',
  'training:delete',
  'training:resume-run',
  'pseudo:generate',
  'pseudo:status',
  'pseudo:cancel',
  'pseudo:cache',
  'pseudo:cams',
  'pseudo:evaluate',
  'pseudo:queue',
  'pseudo:accept',
  'pseudo:train-head',
  'pseudo:head-status',
  'pseudo:head-cancel',
  'weights:list',
  'weights:download',
  'weights:import',
  'weights:cancel',
  'rounds:list',
  'rounds:start',
] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const EVENT_NAMES = ['app:notice', 'app:backend', 'dataset:progress', 'project:thumbs', 'export:progress', 'training:progress', 'training:sample', 'training:state', 'pseudo:progress', 'pseudo:head-progress', 'weights:progress', 'rounds:progress'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

const channelSet: ReadonlySet<string> = new Set(CHANNEL_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isChannel(name: unknown): name is ChannelName {
  return typeof name === 'string' && channelSet.has(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventSet.has(name);
}
