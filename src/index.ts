import * as FlexPlugin from '@twilio/flex-plugin';

import StuckTasksPlugin from './StuckTasksPlugin';

FlexPlugin.loadPlugin(StuckTasksPlugin);
