using System.Collections;

namespace CooperationLedger.Domain;

/// <summary>
/// An immutable list whose <see cref="Append"/> usually costs O(1): lists that grew from one another share one array,
/// each seeing its own first <see cref="Count"/> items. Only the first list to append at a given length writes into the
/// shared array; a second append from the same list (a branch, such as an entry decided but never stored) copies.
/// </summary>
/// <remarks>
/// A partnership's history grows by one entry per append and is kept between requests; copying it on every append
/// made each append cost as much as the partnership's whole history.
/// </remarks>
internal sealed class AppendOnlyList<T> : IReadOnlyList<T>
{
    private readonly SharedItems shared;

    private AppendOnlyList(SharedItems shared, int count)
    {
        this.shared = shared;
        Count = count;
    }

    public static AppendOnlyList<T> Empty { get; } = new(new SharedItems([]), 0);

    public int Count { get; }

    public T this[int index] =>
        (uint)index < (uint)Count ? shared.Items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public static AppendOnlyList<T> From(IEnumerable<T> items)
    {
        T[] array = [.. items];
        return array.Length == 0 ? Empty : new(new SharedItems(array) { Claimed = array.Length }, array.Length);
    }

    public AppendOnlyList<T> Append(T item)
    {
        if (Count < shared.Items.Length && Interlocked.CompareExchange(ref shared.Claimed, Count + 1, Count) == Count)
        {
            shared.Items[Count] = item;
            return new(shared, Count + 1);
        }

        var items = new T[Math.Max(4, Count * 2)];
        Array.Copy(shared.Items, items, Count);
        items[Count] = item;
        return new(new SharedItems(items) { Claimed = Count + 1 }, Count + 1);
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var index = 0; index < Count; index++)
        {
            yield return shared.Items[index];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The array behind lists that grew from one another, and how many of its slots one of them has taken.</summary>
    private sealed class SharedItems(T[] items)
    {
        public readonly T[] Items = items;

        public int Claimed;
    }
}
