namespace Isthmus; public static class Placeholder {}
