// Setup of the jest project that loads the real @twilio/flex-ui (`*.flex.test.tsx`). Unlike the
// plugin project's setupTests.ts it keeps jsdom's own getComputedStyle: whether Flex's collapsed side
// bar hides a link's label (`visibility: hidden` from its stylesheet) is what these tests look at.
import './jsdomEnvironment';
