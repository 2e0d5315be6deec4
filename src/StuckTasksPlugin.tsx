import type * as Flex from '@twilio/flex-ui';
import { FlexPlugin } from '@twilio/flex-plugin';

const PLUGIN_NAME = 'StuckTasksPlugin';

export default class StuckTasksPlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  async init(_flex: typeof Flex, _manager: Flex.Manager): Promise<void> {
    // Registration comes with the plugin issue.
  }
}
