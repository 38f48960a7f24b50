// Importing this module registers the Driver (and so the whole engine) and the store's commands with the store. The page's build leaves sim.ts's import of it empty (vite.config.ts), so there the engine loads after the first frame.
import * as commands from './commands';
import { Driver } from './driver';
import { registerEngine } from './driverSlot';

registerEngine({ Driver, commands });
