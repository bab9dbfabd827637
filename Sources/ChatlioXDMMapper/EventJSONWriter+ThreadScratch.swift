import Foundation

extension EventJSONWriter {
    /// One writer buffer kept per thread between events.
    ///
    /// Every mapped event writes its entity into a buffer of a few KiB, which
    /// glibc serves from its general heap (its per-thread cache stops at about
    /// 1 KiB): a `malloc` and a `free` of that size cost about 530 instructions
    /// an event, more than writing a conversation's identity map. A thread keeps
    /// its last buffer for its next event instead. What stays held is at most
    /// one buffer of ``keptCapacity`` bytes per thread that maps (a larger one
    /// is freed after use), and the thread slot's destructor frees it when the
    /// thread ends.
    ///
    /// A buffer is `malloc`'s: `allocate(capacity:)` asks the Swift runtime for
    /// its default alignment, which it serves through `posix_memalign`, about
    /// 250 instructions more. Its capacity is kept in front of its bytes, so the
    /// thread slot's one pointer is a whole buffer.
    enum ThreadScratch {
        /// The largest buffer a thread keeps.
        static let keptCapacity = 64 * 1024
        private static let headerSize = 16

        /// The slot, or `nil` where the system has no key left (every buffer is then freed after use).
        private static let slot: pthread_key_t? = {
            var key = pthread_key_t()
            return pthread_key_create(&key, { block in free(block) }) == 0 ? key : nil
        }()

        /// A buffer of at least `capacity` bytes: the thread's kept one when it
        /// is large enough, else a new one.
        static func take(atLeast capacity: Int) -> (base: UnsafeMutablePointer<UInt8>, capacity: Int) {
            if let slot, let block = pthread_getspecific(slot) {
                let kept = block.load(as: Int.self)
                if kept >= capacity {
                    pthread_setspecific(slot, nil)
                    return (bytes(of: block, capacity: kept), kept)
                }
            }
            return (allocate(capacity), capacity)
        }

        /// Keeps `base` for the thread's next writer when the slot is empty or
        /// holds a smaller buffer, else frees it.
        static func give(_ base: UnsafeMutablePointer<UInt8>, capacity: Int) {
            let block = UnsafeMutableRawPointer(base) - headerSize
            guard capacity <= keptCapacity, let slot else { return free(block) }
            if let kept = pthread_getspecific(slot) {
                guard kept.load(as: Int.self) < capacity else { return free(block) }
                free(kept)
            }
            pthread_setspecific(slot, block)
        }

        /// A new buffer of `capacity` bytes, for ``give(_:capacity:)`` or ``release(_:)``.
        static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
            let size = headerSize + capacity
            // `free` takes what the runtime allocates too, should `malloc` ever refuse.
            let block = malloc(size) ?? UnsafeMutableRawPointer.allocate(byteCount: size, alignment: headerSize)
            block.storeBytes(of: capacity, as: Int.self)
            return bytes(of: block, capacity: capacity)
        }

        /// Frees a buffer without keeping it (one the writer outgrew).
        static func release(_ base: UnsafeMutablePointer<UInt8>) {
            free(UnsafeMutableRawPointer(base) - headerSize)
        }

        private static func bytes(of block: UnsafeMutableRawPointer, capacity: Int) -> UnsafeMutablePointer<UInt8> {
            (block + headerSize).bindMemory(to: UInt8.self, capacity: capacity)
        }
    }
}
