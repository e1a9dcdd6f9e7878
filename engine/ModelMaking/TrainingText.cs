namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// The English text the made tokenizers learn their merges from: ordinary prose with numbers, punctuation,
/// contractions and line breaks, so the merges look like a real vocabulary's (" the", "ing", " model") and every
/// branch of the split regex is exercised. Written for this project; changing it changes every made tokenizer.
/// </summary>
internal static class TrainingText
{
    public const string English = """
        The river runs past the old mill and under the stone bridge before it reaches the town. In the morning the
        water is cold and clear, and the fishermen stand on the bank with their long rods. By noon the market is
        full: farmers sell apples, bread, cheese and honey, and children run between the stalls while their parents
        talk about the weather, the harvest and the price of wheat.

        It's a small town, but it has a library, a school, two churches and a railway station. The first train
        leaves at 6:45 and the last one arrives at 23:10. Every year, on the 14th of July, the people gather in the
        square for music and dancing; last year more than 1,200 visitors came from the villages around it.

        A language model reads text as a sequence of tokens. Each token is a number, and the model has learned, from
        a great deal of text, which token is likely to come next. When you ask it a question, it reads your words,
        computes a score for every token in its vocabulary, picks one, and then does the same again with that token
        added to the end. The answer grows one token at a time until the model writes a token that means "stop".

        The engine keeps the keys and values of every token it has already seen in a cache, so that it does not
        have to compute them again. The cache is split into blocks of a fixed size, and each sequence owns a list of
        blocks. When a sequence finishes, its blocks go back to the pool and another request can use them. This is
        how a server can answer many people at once without running out of memory.

        She opened the window and looked at the garden. The roses were red and white, the grass was still wet from
        the rain, and a small bird was singing in the apple tree. "We should plant more flowers next spring," she
        said. He laughed and said that they'd said the same thing last year, and the year before that.

        Numbers matter too: 3 apples and 4 pears make 7 pieces of fruit; 12 times 12 is 144; the speed of light is
        about 299,792 kilometres per second. A kilometre is 1000 metres, an hour has 60 minutes, and a day has 24
        hours. The temperature today will reach 21 degrees, with a light wind from the west.

        Good software is written for the people who will read it later. Names should say what a thing is, functions
        should do one thing, and errors should tell the user what went wrong and how to fix it. A test that cannot
        fail is not a test. When the input is wrong, the program should say which file, which field and which value,
        and it should never crash with a message that nobody can understand.

        They walked along the coast for three days. The path climbed over the cliffs, went down into quiet bays and
        through fields of sheep. At night they stayed in small inns, where they ate fish soup and slept under heavy
        blankets. On the last day the sun came out, the sea turned blue, and they could see the islands far away.

        Questions and answers: What time is it? It's ten past four. Where are you going? We're going home. Who wrote
        this letter? I don't know, but I'll find out. Why is the sky blue? Because the air scatters blue light more
        than red light. How many people live here? About forty thousand, and the number is growing every year.

        The operator watches the cluster and compares what is running with what was asked for. If a deployment is
        missing, it creates one; if a setting has changed, it rolls the pods forward one by one; and if the new
        version fails, it rolls back to the last one that worked and records the reason in the status.
        """;
}
